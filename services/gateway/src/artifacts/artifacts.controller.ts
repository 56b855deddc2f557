import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ArtifactsApi } from './artifacts.api.js';

@Controller('v1')
export class ArtifactsController {
  constructor(private readonly artifacts: ArtifactsApi) {}

  @Post('blueprints/:name/compile')
  @HttpCode(200)
  compile(@Param('name') name: string, @Body() body: unknown) {
    return this.artifacts.compile(name, body);
  }

  @Get('artifacts/:hash')
  describe(@Param('hash') hash: string) {
    return this.artifacts.describe(hash);
  }
}
