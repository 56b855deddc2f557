import { Module, type DynamicModule } from '@nestjs/common';

/** The web console's settings (`consoleConfigSpec`), read by {@link installConsole} at boot. */
export const CONSOLE_SETTINGS = Symbol('CONSOLE_SETTINGS');
export interface ConsoleSettings {
  /** Absolute path of the built console (index.html, assets/); it may not exist (then /console is 404). */
  dir: string;
}

/** Holds the console's settings for the HTTP setup; the routes are plain Fastify ones (console.http.ts). */
@Module({})
export class ConsoleModule {
  static forRoot(settings: ConsoleSettings): DynamicModule {
    return { module: ConsoleModule, providers: [{ provide: CONSOLE_SETTINGS, useValue: settings }], exports: [CONSOLE_SETTINGS] };
  }
}
