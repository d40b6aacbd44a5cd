// Config messages show `${VAR}`, never what it expanded to. The value of a reference is often a
// secret (`credentials: "${GH_TOKEN}"` given where a mapping belongs), and messages are printed
// before any redactor exists, by `config check` and at start-up. Rather than trusting every
// message site to remember which values came from the environment, each finished message has
// every expanded value put back as the reference it came from.

/** `[NAME, value]` of each reference expanded in the config. */
export type Substitutions = ReadonlyArray<readonly [name: string, value: string]>;

// A short value ("git", "8080") is only replaced where it stands alone, so that it does not turn
// up inside unrelated words of the message; a longer one is replaced wherever it appears.
const ANYWHERE = 8;

export function showReferences(text: string, subs: Substitutions): string {
  let out = text;
  const sorted = [...subs].filter(([, v]) => v !== "").sort((a, b) => b[1].length - a[1].length);
  for (const [name, value] of sorted) {
    const ref = `\${${name}}`;
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1)])) {
      if (!out.includes(form)) continue;
      if (form.length >= ANYWHERE) out = out.split(form).join(ref);
      else out = out.replace(new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(form)}(?![A-Za-z0-9_])`, "g"), () => ref);
    }
  }
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
