// What a command's help declares, read from its spec without yargs.
import type { CommandSpec } from '../../src/cli/command.ts';

/** What a command's builder declares, recorded by a stand-in for yargs that accepts any call. */
export function declaredHelp(spec: CommandSpec<never>): { examples: Array<[string, string]>; positionals: Map<string, { describe?: string }> } {
  const examples: Array<[string, string]> = [];
  const positionals = new Map<string, { describe?: string }>();
  const recorder: unknown = new Proxy(
    {},
    {
      get:
        (_target, method) =>
        (...args: unknown[]) => {
          if (method === 'example') examples.push([String(args[0]), String(args[1] ?? '')]);
          if (method === 'positional') positionals.set(String(args[0]), args[1] as { describe?: string });
          return recorder;
        },
    },
  );
  spec.builder?.(recorder as never);
  return { examples, positionals };
}

/** The positional names in a command string: `scan <source> [targets..]` gives source, targets. */
export function positionalNames(command: string): string[] {
  return [...command.matchAll(/[<[]([\w-]+)(?:\.\.)?[>\]]/g)].map((m) => m[1]!);
}
