import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What a finished run did: its tool calls and model usage (cost accounting builds on it). */
export class AddRunActivity1732270000000 implements MigrationInterface {
  name = 'AddRunActivity1732270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs ADD COLUMN tool_calls jsonb, ADD COLUMN usage jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs DROP COLUMN tool_calls, DROP COLUMN usage`);
  }
}
