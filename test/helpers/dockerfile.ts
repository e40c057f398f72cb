/**
 * Just enough of the Dockerfile and .dockerignore formats to replay an image's
 * layout without a container engine: stages, instructions (continuations
 * joined, comments dropped), COPY, ENV and exec-form arguments.
 */
export interface Instruction {
  keyword: string;
  args: string;
  /** 1-based line where the instruction starts, for error messages. */
  line: number;
}

export interface Stage {
  name: string | null;
  base: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) return;
    if (pending === '') start = index + 1;
    pending += line.endsWith('\\') ? `${line.slice(0, -1)} ` : line;
    if (line.endsWith('\\')) return;
    const [keyword, ...rest] = pending.trim().split(/\s+/);
    const args = pending.trim().slice(keyword.length).trim();
    pending = '';
    if (keyword.toUpperCase() === 'FROM') {
      stages.push({ base: rest[0], name: /\bAS\s+(\S+)/i.exec(args)?.[1] ?? null, instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile line ${start}: ${keyword} before FROM`);
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args, line: start });
    }
  });
  return stages;
}

/** `["node", "-e", "..."]` as an array; null for the shell form. */
export function execForm(args: string): string[] | null {
  if (!args.startsWith('[')) return null;
  return JSON.parse(args) as string[];
}

export interface Copy {
  from: string | null;
  sources: string[];
  dest: string;
}

export function parseCopy(args: string): Copy {
  const words = execForm(args) ?? args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length) ?? null;
  return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
}

/** `ENV A=1 B=2` (the only form postship's Dockerfile uses; `ENV A 1` too). */
export function parseEnv(args: string): Record<string, string> {
  const words = args.split(/\s+/);
  if (!words[0].includes('=')) return { [words[0]]: words.slice(1).join(' ') };
  return Object.fromEntries(words.map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1).replace(/^"(.*)"$/, '$1')]));
}

/** `HEALTHCHECK --interval=15s ... CMD [...]`: its options (in seconds where they are durations) and command. */
export function parseHealthcheck(args: string): { options: Record<string, string>; command: string[] } {
  const at = args.search(/\bCMD\b/);
  const options = Object.fromEntries(
    args.slice(0, at).trim().split(/\s+/).filter(Boolean).map((o) => o.replace(/^--/, '').split('=') as [string, string]),
  );
  const rest = args.slice(at + 3).trim();
  return { options, command: execForm(rest) ?? ['/bin/sh', '-c', rest] };
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split(/(\*\*|\*|\?)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/**
 * Whether .dockerignore lets a context path (relative, `/`-separated) into the
 * build: the last rule matching the path or one of its parents decides.
 */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => ({ include: l.startsWith('!'), re: globToRegExp(l.replace(/^!/, '').replace(/^\/+|\/+$/g, '')) }));
  return (path) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let included = true;
    for (const rule of rules) if (prefixes.some((p) => rule.re.test(p))) included = rule.include;
    return included;
  };
}
