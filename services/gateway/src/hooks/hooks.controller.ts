import { Controller, Headers, HttpCode, Injectable, Param, Post, Req } from '@nestjs/common';
import { AppError, ErrorCode } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { Public } from '@af/observability';
import { hookAddress, InboundHook, isJsonContentType, MAX_HOOK_BODY_BYTES } from './inbound-hook.js';

/** Longest `x-af-signature` forwarded (`t=<10 digits>,v1=<64 hex>` is 80 characters). */
const MAX_SIGNATURE_CHARS = 512;

interface RawRequest {
  rawBuffer?: Buffer;
}

@Injectable()
export class HooksApi {
  constructor(private readonly bus: MessageBus) {}

  /**
   * Forwards the exact bytes received and the signature to the triggers service, which checks the
   * signature (HMAC over "<t>.<raw body>"), its age and replay, then submits the run. The tenant
   * is the path's: there is no token (the request's tenant header is set from it too).
   */
  async hook(params: { tenant: string; agent: string; triggerId: string }, body: Buffer | undefined, signature: string | undefined, contentType: string | undefined) {
    const address = hookAddress(params);
    if (!isJsonContentType(contentType)) throw new AppError(ErrorCode.UnsupportedMediaType, 'an inbound webhook body must be JSON (content-type: application/json)', { path: '/headers/content-type' });
    const bytes = body ?? Buffer.alloc(0);
    if (bytes.byteLength > MAX_HOOK_BODY_BYTES) throw new AppError(ErrorCode.PayloadTooLarge, `an inbound webhook body may be at most ${MAX_HOOK_BODY_BYTES} bytes`, { path: '' });
    if (signature !== undefined && signature.length > MAX_SIGNATURE_CHARS) throw new AppError(ErrorCode.Unauthenticated, 'x-af-signature must be t=<unix seconds>,v1=<hex HMAC-SHA256>', { path: '/headers/x-af-signature' });
    const reply = await this.bus.request(
      'af.v1.triggers.hook',
      { tenantId: address.tenantId, agent: address.agent, triggerId: address.triggerId, body: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), signature: signature ?? '', contentType: contentType ?? '' },
      { tenantId: address.tenantId },
    );
    return { runId: reply.runId, status: reply.status };
  }
}

/**
 * Inbound webhooks of `webhook` triggers: public (the signature is the authentication), JSON of
 * at most 256 KiB, rate limited per (tenant, agent, trigger). 202 with the run it started.
 */
@Controller('v1/hooks')
export class HooksController {
  constructor(private readonly hooks: HooksApi) {}

  @Post(':tenant/:agent/:triggerId')
  @Public()
  @InboundHook()
  @HttpCode(202)
  hook(
    @Param('tenant') tenant: string,
    @Param('agent') agent: string,
    @Param('triggerId') triggerId: string,
    @Req() req: RawRequest,
    @Headers('x-af-signature') signature: string | undefined,
    @Headers('content-type') contentType: string | undefined,
  ) {
    return this.hooks.hook({ tenant, agent, triggerId }, req.rawBuffer, signature, contentType);
  }
}
