import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { buildProgram } from './cli.js';
import { completionScript } from './completion.js';
import { runCli } from './cli.js';
import { bufferIo } from './test/fake-gateway.js';

const program = buildProgram(bufferIo({}));

/** What bash completes for the words typed so far (the last one is being typed). */
function complete(words: string[]): string[] {
  const script = completionScript(program, 'bash');
  const array = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync('bash', ['-c', `${script}\nCOMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _af_complete; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('shell completion', () => {
  it('bash completes commands, sub-commands, flags and flag values from the command tree', () => {
    expect(complete(['af', 'ro'])).toEqual(['rollout', 'rollback']);
    expect(complete(['af', 'rollout', ''])).toEqual(expect.arrayContaining(['status']));
    expect(complete(['af', 'deploy', 'lead-qualifier', '--ca'])).toEqual(['--canary']);
    expect(complete(['af', 'runs', '--output', ''])).toEqual(['json', 'yaml', 'table']);
    expect(complete(['af', 'usage', '--group-by', ''])).toEqual(['agent', 'model', 'day']);
    // A flag's value is not taken for a sub-command.
    expect(complete(['af', '--gateway', 'http://gw', 'dead-letters', ''])).toEqual(expect.arrayContaining(['list', 'retry']));
    expect(complete(['af', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
  });

  it('zsh loads the bash function through bashcompinit; fish gets one complete line per command and flag', () => {
    const zsh = completionScript(program, 'zsh');
    expect(zsh.split('\n').slice(0, 2)).toEqual(['#compdef af', 'autoload -U +X bashcompinit && bashcompinit']);
    expect(zsh).toContain('complete -F _af_complete af');
    const fish = completionScript(program, 'fish');
    expect(fish).toContain("complete -c af -n '__fish_use_subcommand' -a apply -d ");
    expect(fish).toContain("complete -c af -n '__fish_seen_subcommand_from rollout; and not __fish_seen_subcommand_from status' -a status");
    expect(fish).toMatch(/complete -c af -n '__fish_seen_subcommand_from deploy' -l canary -r -d /);
    expect(fish).toMatch(/-l output -s o -x -a 'json yaml table'/);
  });

  it('`af completion <shell>` prints the script; another shell is a usage error', async () => {
    const io = bufferIo({});
    expect(await runCli(['completion', 'bash'], io)).toBe(0);
    expect(io.out()).toBe(completionScript(program, 'bash'));
    const bad = bufferIo({});
    expect(await runCli(['completion', 'tcsh'], bad)).toBe(64);
    expect(bad.err()).toContain("value 'tcsh' is invalid for argument 'shell'");
  });
});
