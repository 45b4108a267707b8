// Writes a compose file with N services, each with an image, environment, a published port,
// a named volume, a healthcheck, and a depends_on chain (every service waits for the one
// before it, in chains of ten), so every phase of compose2units does real work.
export function generateCompose(n) {
  const lines = ["services:"];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  svc${i}:`,
      `    image: registry.example.com/team/app${i % 50}:1.${i % 7}`,
      "    environment:",
      `      SERVICE_INDEX: "${i}"`,
      `      DATABASE_URL: postgres://app@db${i % 10}/app`,
      "    ports:",
      `      - "${10000 + (i % 50000)}:8080"`,
      "    volumes:",
      `      - data${i}:/var/lib/app`,
      "    healthcheck:",
      '      test: ["CMD", "wget", "-q", "-O-", "http://localhost:8080/health"]',
      "      interval: 10s",
      "      retries: 3",
    );
    if (i % 10 !== 0) lines.push("    depends_on:", `      svc${i - 1}:`, "        condition: service_healthy");
  }
  lines.push("volumes:");
  for (let i = 0; i < n; i++) lines.push(`  data${i}: {}`);
  return lines.join("\n") + "\n";
}
