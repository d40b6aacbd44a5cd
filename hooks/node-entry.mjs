// What the installed shim runs under Node: hooks/post-receive.ts, from the prebuilt bundle, or
// through tsx when the bundle is stale (scripts/launch.mjs). Its arguments are the hook's.
import { load } from "../scripts/launch.mjs";

await load("post-receive", "hooks/post-receive.ts");
