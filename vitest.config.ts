import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["test/support/temp-run.ts"],
    setupFiles: ["test/support/temp-root.ts"],
    tags: [
      {
        name: "real",
        description:
          "runs a real tool (systemd, cloud-init, shellcheck, docker, podman, docker-compose, tsc) or the built CLI in a child process; npm run test:fast leaves it out",
      },
    ],
  },
});
