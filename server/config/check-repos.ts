// repos: → RepoConfig[], with the rules that look across fields, repos and providers.
import { blank, SAFE_NAME, SAFE_NAME_RULE } from "./check-providers.ts";
import { shortGlobError } from "./ref-globs.ts";
import { repoPathProblem } from "./repo-path.ts";
import type { Report } from "./report.ts";
import type { RawRepo } from "./schema.ts";
import type { ProviderConfig, RefOverride, RepoConfig } from "./types.ts";

const DEFAULT_INCLUDE = ["refs/heads/*", "refs/tags/*"];

export function buildRepos(
  raw: RawRepo[],
  providers: Map<string, ProviderConfig>,
  report: Report,
): RepoConfig[] {
  if (raw.length === 0) {
    report.error(
      ["repos"],
      "repos is empty: list at least one repo to mirror (name, source, target, source_path, target_path)",
    );
  }
  const names = new Map<string, number>();
  // (provider, path) is how webhooks and SQS events find their repo, first match wins; a second
  // claimant would silently never run, so it is refused (as in the Go bridge).
  const claimed = new Map<string, string>();
  const known = [...providers.keys()].join(", ") || "(none)";

  return raw.map((r, i) => {
    const at = (...rest: (string | number)[]) => ["repos", i, ...rest];
    const label = `repos[${i}]`;

    // (An empty name never gets here: positions.ts drops empty values, so it "is required".)
    if (!SAFE_NAME.test(r.name)) {
      report.error(
        at("name"),
        `${label}.name "${r.name}" is not allowed: it becomes a directory and lock name, so use ${SAFE_NAME_RULE}`,
      );
    } else if (names.has(r.name)) {
      report.error(
        at("name"),
        `${label}.name "${r.name}" is already used by repos[${names.get(r.name)}]; repo names must be unique`,
      );
    } else names.set(r.name, i);

    for (const side of ["source", "target"] as const) {
      if (!providers.has(r[side])) {
        report.error(at(side), `${label}.${side} "${r[side]}" is not a provider; known providers: ${known}`);
      }
    }
    if (r.source === r.target && r.source !== "") {
      report.error(
        at("target"),
        `${label}.target must differ from source (both "${r.source}"); a repo mirrors between two providers`,
      );
    }

    for (const key of ["source_path", "target_path"] as const) {
      const problem = repoPathProblem(r[key]);
      if (problem) report.error(at(key), `${label}.${key} ${problem} (got ${JSON.stringify(r[key])})`);
      const provider = providers.get(key === "source_path" ? r.source : r.target);
      if (!problem && provider?.type === "codecommit" && r[key].includes("/")) {
        report.error(
          at(key),
          `${label}.${key} must be a plain CodeCommit repository name without "/" (got ${
            JSON.stringify(r[key])
          })`,
        );
      }
      if (problem || !provider) continue;
      const side = key === "source_path" ? "source" : "target";
      const dispatchKey = `${provider.name}\u0000${r[key]}`;
      const owner = claimed.get(dispatchKey);
      if (owner) {
        report.error(
          at(key),
          `${label}.${key}: "${r[key]}" on provider ${provider.name} is already claimed by ${owner}; ` +
            "events are dispatched by (provider, path) and only the first would ever run, so remove or change one of them",
        );
      } else claimed.set(dispatchKey, `repo ${r.name || label} (${side})`);
    }

    if (r.retry_direction && r.direction !== "bidirectional" && r.retry_direction !== r.direction) {
      report.error(
        at("retry_direction"),
        `${label}.retry_direction ${r.retry_direction} conflicts with the one-way direction ` +
          `${r.direction}; remove retry_direction or make it ${r.direction}`,
      );
    }

    const refOverrides = checkOverrides(r, i, report);
    const include = r.refs.include ?? DEFAULT_INCLUDE;
    const exclude = r.refs.exclude ?? [];
    if (r.refs.include && include.length === 0) {
      report.error(
        at("refs", "include"),
        `${label}.refs.include is empty, so nothing would be mirrored; remove it to use the default (${
          DEFAULT_INCLUDE.join(", ")
        })`,
      );
    }
    for (const [key, globs] of [["include", include], ["exclude", exclude]] as const) {
      globs.forEach((g, j) => {
        if (!g.startsWith("refs/")) {
          report.error(
            at("refs", key, j),
            `${label}.refs.${key}[${j}] must be a glob on full ref names starting with refs/ ` +
              `(got ${JSON.stringify(g)}); did you mean "refs/heads/${g}"?`,
          );
        }
      });
    }

    const repo: RepoConfig = {
      name: r.name,
      source: r.source,
      target: r.target,
      sourcePath: r.source_path,
      targetPath: r.target_path,
      direction: r.direction,
      refOverrides,
      refsInclude: include,
      refsExclude: exclude,
      prune: r.prune,
      onDivergence: r.on_divergence,
    };
    if (r.retry_direction) repo.retryDirection = r.retry_direction;
    const slack = blank(r.slack_webhook_url);
    if (slack !== undefined) repo.slackWebhookUrl = slack;
    return repo;
  });
}

// The Go bridge's ref_overrides rules, unchanged, so a config it accepted means the same here.
function checkOverrides(r: RawRepo, i: number, report: Report): RefOverride[] {
  const seen = new Map<string, number>();
  return r.ref_overrides.map((o, j) => {
    const at = (...rest: string[]) => ["repos", i, "ref_overrides", j, ...rest];
    const label = `repos[${i}].ref_overrides[${j}]`;
    if (seen.has(o.pattern)) {
      report.error(
        at("pattern"),
        `${label}.pattern "${o.pattern}" duplicates ref_overrides[${seen.get(o.pattern)}]; ` +
          "the first match wins, so this entry would never apply — remove it",
      );
    } else {
      seen.set(o.pattern, j);
      const bad = shortGlobError(o.pattern);
      if (bad) report.error(at("pattern"), `${label}.pattern "${o.pattern}" is not a valid glob: ${bad}`);
    }
    const forward = o.from === r.source && o.to === r.target;
    const backward = o.from === r.target && o.to === r.source;
    if (o.from === o.to) {
      report.error(
        at("to"),
        `${label}: from and to are both "${o.from}"; they must be this repo's two providers`,
      );
    } else if (!forward && !backward) {
      report.error(
        at(),
        `${label}: from/to must be this repo's source (${r.source}) and target (${r.target}) ` +
          `in either order (got from ${o.from} to ${o.to})`,
      );
    } else if (
      (r.direction === "source-to-target" && !forward) || (r.direction === "target-to-source" && !backward)
    ) {
      report.error(
        at(),
        `${label}: the repo direction ${r.direction} does not allow ${o.from} → ${o.to}; ` +
          "swap from and to, or make the repo bidirectional",
      );
    }
    return { pattern: o.pattern, from: o.from, to: o.to };
  });
}
