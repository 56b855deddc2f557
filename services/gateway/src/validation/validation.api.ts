import { Injectable } from '@nestjs/common';
import { AppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { callerOf } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import type { BlueprintSource } from '../blueprints/blueprint-source.decorator.js';
import { validationReplyView } from '../blueprints/blueprint.views.js';
import { withDocumentPath } from '../blueprints/document-errors.js';

const SCHEMA_NAME = /^[a-z][a-z0-9-]{0,62}$/;

@Injectable()
export class ValidationApi {
  constructor(private readonly bus: MessageBus) {}

  /** An unsaved blueprint, parsed and defaulted exactly as saving would, validated for this caller. */
  async validate(principal: Principal, body: BlueprintSource) {
    const reply = await withDocumentPath(() => this.bus.request('af.v1.blueprints.source.validate', { ...body, caller: callerOf(principal) }));
    return validationReplyView(reply);
  }

  async schema(name: string) {
    if (!SCHEMA_NAME.test(name)) throw AppError.notFound(`schema "${name}"`, '/name');
    const reply = await this.bus.request('af.v1.validation.schema.get', { name });
    return { etag: `"${reply.contentHash}"`, schema: JSON.parse(reply.schemaJson) as unknown };
  }
}
