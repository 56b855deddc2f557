import { Module, type DynamicModule } from '@nestjs/common';
import { Dispatcher } from './dispatcher.js';
import { EventsHandler } from './events.handler.js';
import { WebhookHandler } from './webhook.handler.js';
import { WebhookRepository } from './webhook.repository.js';
import { WebhookService } from './webhook.service.js';
import { WEBHOOKS_OPTIONS, type WebhooksOptions } from './webhooks.options.js';

@Module({})
export class WebhooksModule {
  static forRoot(options: WebhooksOptions): DynamicModule {
    return {
      module: WebhooksModule,
      controllers: [WebhookHandler, EventsHandler],
      providers: [{ provide: WEBHOOKS_OPTIONS, useValue: options }, WebhookService, WebhookRepository, Dispatcher],
    };
  }
}
