import { Controller, Get, Res } from '@nestjs/common';
import { MetricsRegistry } from './metrics.js';
import { Public } from './public-route.js';

interface Reply {
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  async scrape(@Res() reply: Reply) {
    reply.header('content-type', this.metrics.contentType).send(await this.metrics.text());
  }
}
