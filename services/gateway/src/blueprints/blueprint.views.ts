import type { ArchiveBlueprintReply, BlueprintDiffReply, BlueprintValidationReply, DraftEvalsReply, ListBlueprintsReply, ListBlueprintVersionsReply } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { evalReportView, validationView } from '../http/views.js';

const orNull = (text: string) => text || null;
const json = (text: string): unknown => JSON.parse(text) as unknown;

export function blueprintListView(reply: ListBlueprintsReply) {
  return {
    items: reply.items.map((b) => ({
      name: b.name,
      latestVersion: b.latestVersion,
      description: b.description,
      labels: b.labels,
      contentHash: b.contentHash,
      author: b.author,
      createdAt: b.createdAt,
      updatedAt: b.updatedAt,
      archivedAt: orNull(b.archivedAt),
      valid: b.valid,
    })),
    nextCursor: orNull(reply.nextCursor),
  };
}

export function versionListView(reply: ListBlueprintVersionsReply) {
  return {
    name: reply.name,
    archivedAt: orNull(reply.archivedAt),
    items: reply.versions.map((v) => ({ version: v.version, contentHash: v.contentHash, author: v.author, createdAt: v.createdAt, valid: v.valid })),
  };
}

export function diffView(reply: BlueprintDiffReply) {
  return {
    name: reply.name,
    from: reply.fromVersion,
    to: reply.toVersion,
    operations: reply.operations.map((o) => ({
      op: o.op,
      path: o.path,
      ...(o.fromJson ? { from: json(o.fromJson) } : {}),
      ...(o.toJson ? { to: json(o.toJson) } : {}),
    })),
  };
}

export function archiveView(reply: ArchiveBlueprintReply) {
  return { name: reply.name, latestVersion: reply.latestVersion, archivedAt: reply.archivedAt, changed: reply.changed };
}

/** The report itself (valid, errors, warnings, suggestions) and what was validated. */
export function validationReplyView(reply: BlueprintValidationReply) {
  return {
    ...validationView(reply.report),
    name: orNull(reply.name),
    version: reply.version || null,
    contentHash: reply.contentHash,
    cached: reply.cached,
  };
}

/** POST /v1/blueprints/{name}/test: the draft's eval report (version 0) with its validation report. */
export function draftTestView(reply: DraftEvalsReply) {
  const report = evalReportView(reply.report);
  if (!report) throw new AppError(ErrorCode.Unavailable, 'the deployment service returned no eval report');
  return { ...report, validation: validationView(reply.validation) };
}
