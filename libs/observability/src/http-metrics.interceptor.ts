import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { finalize, type Observable } from 'rxjs';
import { MetricsRegistry } from './metrics.js';

interface HttpRequestLike {
  method: string;
  routeOptions?: { url?: string };
}
interface HttpReplyLike {
  statusCode: number;
}

/** Counts and times every HTTP request by route template (never by raw URL: bounded cardinality). */
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsRegistry) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const http = ctx.switchToHttp();
    const req = http.getRequest<HttpRequestLike>();
    const route = req.routeOptions?.url ?? 'unknown';
    const end = this.metrics.httpDuration.startTimer({ method: req.method, route });
    return next.handle().pipe(
      finalize(() => {
        end();
        this.metrics.httpRequests.inc({ method: req.method, route, status: String(http.getResponse<HttpReplyLike>().statusCode) });
      }),
    );
  }
}
