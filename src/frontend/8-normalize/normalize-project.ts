import { DiagnosticBag, type SourceLocation } from "../../diagnostics.js";
import type { Project, Service } from "../../model/project.js";
import type { InputReader } from "../1-inputs/input-files.js";
import type { FileFormat } from "../2-layers/legacy-format.js";
import type { Environment } from "../3-interpolate/interpolate.js";
import type { LocationIndex } from "../location-index.js";
import type { RawMapping } from "../parse-yaml.js";
import { Node, isMapping, type NormalizeContext } from "./context.js";
import { checkDeclaredNames } from "./names.js";
import { normalizeNetworks, normalizeVolumes } from "./resources.js";
import { normalizeService } from "./service.js";

/** What normalization needs besides the document: the project's name and folder, and how to read and name files. */
export interface ProjectSettings {
  readonly name: string;
  readonly nameAt: SourceLocation | undefined;
  readonly projectDirectory: string;
  readonly format: FileFormat;
  readonly environment: Environment;
  readonly locations: LocationIndex;
  readonly reader: InputReader;
  readonly display: (path: string) => string;
  /** The services selected, by name. */
  readonly enabled: ReadonlySet<string>;
  /** Services the schema refused, left out of `doc`. */
  readonly invalid: readonly string[];
}

/** A project with its services normalized, and the services that have errors (and so no unit). */
export interface NormalizedProject {
  readonly project: Project;
  readonly failed: ReadonlySet<string>;
}

/**
 * The validated document in long form: every selected service, the
 * networks the services use, the volumes, and the host settings of
 * `x-cloud-config`.
 */
export function normalizeProject(doc: RawMapping, settings: ProjectSettings, diagnostics: DiagnosticBag): NormalizedProject {
  const { name, nameAt, projectDirectory, format, environment, locations, reader, display, enabled, invalid } = settings;
  const ctx: NormalizeContext = {
    projectName: name,
    projectDirectory,
    locations,
    diagnostics,
    environment,
    readFile: reader.readFile,
    whyUnread: reader.whyUnread,
    display,
  };
  const top = new Node(ctx, doc, []);
  if ("models" in doc)
    diagnostics.error(
      "unsupported-key",
      "top-level models: needs Docker Model Runner, which the docker 20.10 hosts compose2units targets do not have",
      locations.key("/models"),
    );
  const servicesNode = top.child("services");
  const services: Service[] = [];
  const failed = new Set<string>(invalid);
  const badNames = checkDeclaredNames(top, enabled);
  for (const serviceName of [...enabled].sort()) {
    const raw = servicesNode?.get(serviceName);
    if (!isMapping(raw)) continue; // left out as malformed: already reported
    if (badNames.has(serviceName)) {
      failed.add(serviceName);
      continue;
    }
    // Each service reports into a bag of its own, so that a service with errors is known.
    const bag = new DiagnosticBag();
    const node = new Node({ ...ctx, diagnostics: bag }, raw, ["services", serviceName]);
    const service = normalizeService(node, serviceName, format, top);
    const found = bag.sorted();
    for (const d of found) (d.severity === "error" ? diagnostics.error : diagnostics.warning).call(diagnostics, d.code, d.message, d.location);
    if (service) services.push(service);
    if (!service || found.some((d) => d.severity === "error")) failed.add(serviceName);
  }
  const usedNetworks = new Set(services.flatMap((s) => s.networks.map((n) => n.network)));
  const hostConfig = top.child("x-cloud-config");
  if (doc["x-cloud-config"] !== undefined && !hostConfig)
    diagnostics.error("invalid-value", "x-cloud-config must be a mapping of cloud-config keys", locations.value("/x-cloud-config"));
  const project: Project = {
    name,
    ...(nameAt ? { nameAt } : {}),
    services,
    networks: normalizeNetworks(top, usedNetworks),
    volumes: normalizeVolumes(top),
    ...(hostConfig ? { hostConfig: { value: hostConfig.value, at: hostConfig.at() } } : {}),
  };
  return { project, failed };
}
