import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ArtifactsApi } from './artifacts.api.js';
import { RequirePermission } from '../auth/require-permission.decorator.js';
import { AllowedFields } from '../auth/allowed-fields.pipe.js';

@Controller('v1')
export class ArtifactsController {
  constructor(private readonly artifacts: ArtifactsApi) {}

  @Post('blueprints/:name/compile')
  @HttpCode(200)
  @RequirePermission('ViewCode')
  compile(@Param('name') name: string, @Body(new AllowedFields('version')) body: unknown) {
    return this.artifacts.compile(name, body);
  }

  @Get('artifacts/:hash')
  @RequirePermission('ViewCode')
  describe(@Param('hash') hash: string) {
    return this.artifacts.describe(hash);
  }
}
