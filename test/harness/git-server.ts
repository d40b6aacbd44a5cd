// Tests use the same smart-HTTP server the first-run demo serves its repositories with.
export * from "../../server/demo/git-http-server.ts";
