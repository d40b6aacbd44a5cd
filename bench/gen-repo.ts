// Generates a benchmark repository with git fast-import: a linear history on main, branches
// forking off it with a few commits each, and tags (half annotated) spread along main.
import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { git } from "../test/harness/git-cli.ts";

export interface RepoShape {
  commits: number;
  branches: number;
  tags: number;
}

export async function generateRepo(bareDir: string, shape: RepoShape): Promise<void> {
  await mkdir(bareDir, { recursive: true });
  await git(bareDir, "init", "--bare", "--quiet", "--initial-branch=main");
  const lines: string[] = [];
  const when = 1_700_000_000;
  let mark = 0;
  const mainMarks: number[] = [];
  const perBranch = 3;
  const mainCommits = shape.commits - shape.branches * perBranch;
  const blob = (text: string) => {
    lines.push("blob", `mark :${++mark}`, `data ${Buffer.byteLength(text)}`, text);
    return mark;
  };
  const commit = (ref: string, i: number, parent: number | undefined, file: string) => {
    const b = blob(`content of commit ${i}\n${"lorem ipsum dolor sit amet ".repeat(8)}\n`);
    const msg = `commit ${i}\n`;
    lines.push(
      `commit ${ref}`,
      `mark :${++mark}`,
      `author Bench <bench@example.com> ${when + i} +0000`,
      `committer Bench <bench@example.com> ${when + i} +0000`,
      `data ${Buffer.byteLength(msg)}`,
      msg.trimEnd(),
    );
    if (parent !== undefined) lines.push(`from :${parent}`);
    lines.push(`M 100644 :${b} ${file}`, "");
    return mark;
  };
  let parent: number | undefined;
  for (let i = 0; i < mainCommits; i++) {
    parent = commit("refs/heads/main", i, parent, `src/file-${i % 200}.txt`);
    mainMarks.push(parent);
  }
  for (let b = 0; b < shape.branches; b++) {
    let p = mainMarks[Math.floor(((b + 1) * mainMarks.length) / (shape.branches + 1))];
    for (let k = 0; k < perBranch; k++) p = commit(`refs/heads/feature-${b}`, mainCommits + b * perBranch + k, p, `feature-${b}/f${k}.txt`);
  }
  for (let t = 0; t < shape.tags; t++) {
    const at = mainMarks[Math.floor((t * mainMarks.length) / shape.tags)];
    if (t % 2 === 0) {
      const msg = `release ${t}\n`;
      lines.push(`tag v${t}`, `from :${at}`, `tagger Bench <bench@example.com> ${when + t} +0000`, `data ${Buffer.byteLength(msg)}`, msg.trimEnd(), "");
    } else {
      lines.push(`reset refs/tags/light-${t}`, `from :${at}`, "");
    }
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn("git", ["--git-dir", bareDir, "fast-import", "--quiet"], { stdio: ["pipe", "ignore", "inherit"] });
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exit ${code}`))));
    child.stdin.end(lines.join("\n") + "\n");
  });
  await git(bareDir, "repack", "-adq");
}
