import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

/**
 * The compose schema (schemas/compose-spec.schema.json) checks the shape of
 * an interpolated compose document: which keys exist, their short and long
 * forms, and their types. Value formats are the semantic pass's job.
 */
const schemaPath = fileURLToPath(new URL("../schemas/compose-spec.schema.json", import.meta.url));
const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as {
  properties: Record<string, unknown>;
  $defs: { service: { properties: Record<string, unknown> } };
};
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: false });
const validate = ajv.compile(schema);

function errorsOf(doc: unknown): ErrorObject[] {
  return validate(doc) ? [] : [...(validate.errors ?? [])];
}

/** Every service key, in its short form here and its long form in `long_forms`. */
const VALID = `
version: "3.9"
name: my_project-1
x-common: &common
  restart: unless-stopped
include:
  - ../commons/compose.yaml
  - path: ../another/compose.yaml
    env_file: ../another/.env
    project_directory: ..
  - path:
      - ../commons/compose.yaml
      - ./commons-override.yaml
    env_file:
      - ../another/.env
      - ../another/dev.env
services:
  x-template:
    this: is not a service and is not checked
  short_forms:
    <<: *common
    annotations:
      - com.example.foo=bar
    attach: false
    build: ./webapp
    cap_add: [ALL]
    cap_drop: [NET_ADMIN, SYS_ADMIN]
    cgroup: host
    cgroup_parent: m-executor-abcd
    command: bundle exec thin -p 3000
    configs:
      - my_config
    container_name: my-web-container
    cpu_count: 2
    cpu_percent: 50
    cpu_shares: 73
    cpu_period: 100000
    cpu_quota: 50000
    cpu_rt_runtime: 400ms
    cpu_rt_period: 11000
    cpus: 0.5
    cpuset: 0-3
    credential_spec:
      file: my-credential-spec.json
    depends_on:
      - long_forms
    deploy:
      mode: global
      replicas: "1"
      labels:
        - com.example.description=web
      placement:
        constraints:
          disktype: ssd
        preferences:
          datacenter: us-east
    develop:
      watch:
        - path: ./webapp/html
          action: sync
          target: /var/www
          ignore: node_modules/
          include: "*.html"
          initial_sync: true
    device_cgroup_rules:
      - "c 1:3 mr"
      - "a 7:* rmw"
    devices:
      - "/dev/ttyUSB0:/dev/ttyUSB0"
      - "/dev/sda:/dev/xvda:rwm"
      - "vendor1.com/device=gpu"
    dns: 8.8.8.8
    dns_opt: [use-vc, no-tld-query]
    dns_search: example.com
    domainname: example.com
    entrypoint: /code/entrypoint.sh
    env_file: .env
    environment:
      - RACK_ENV=development
      - SHOW=true
      - USER_INPUT
    expose:
      - "3000"
      - 8000
      - "8080-8085/tcp"
    extends: long_forms
    external_links:
      - redis
      - database:mysql
    extra_hosts:
      - "somehost=162.242.195.82"
      - "otherhost:50.31.209.229"
      - "myhostv6=[::1]"
    gpus: all
    group_add: [mail, 1001]
    healthcheck:
      test: curl -f https://localhost || exit 1
      interval: 1m30s
      timeout: 10
      retries: "3"
      start_period: 40s
      start_interval: 5s
    hostname: web
    image: redis:5
    init: "true"
    ipc: shareable
    isolation: default
    label_file: ./app.labels
    labels:
      - "com.example.description=Accounting webapp"
      - "com.example.label-with-empty-value"
    links:
      - long_forms
      - long_forms:database
    logging:
      driver: syslog
      options:
        syslog-address: "tcp://192.168.0.42:123"
    mac_address: "02:42:ac:11:65:43"
    mem_limit: 512m
    mem_reservation: 268435456
    mem_swappiness: 0
    memswap_limit: 1g
    models:
      - my_model
    network_mode: "service:long_forms"
    networks:
      - front-tier
      - back-tier
    oom_kill_disable: true
    oom_score_adj: -500
    pid: host
    pids_limit: 10
    platform: linux/arm64/v8
    ports:
      - 3000
      - "3000-3005"
      - "8000:8000"
      - "9090-9091:8080-8081"
      - "127.0.0.1:8001:8001"
      - "[::1]:6001:6001"
      - "6060:6060/udp"
    post_start:
      - command: ./do_something_on_startup.sh
    pre_stop:
      - command: [./cleanup.sh, --fast]
    privileged: false
    profiles: [frontend, debug]
    pull_policy: every_12h
    read_only: "false"
    restart: "on-failure:3"
    runtime: runc
    scale: 1
    secrets:
      - server-certificate
    security_opt:
      - label=user:USER
    shm_size: 64m
    stdin_open: true
    stop_grace_period: 1m30s
    stop_signal: SIGUSR1
    storage_opt:
      size: 1G
    sysctls:
      - net.core.somaxconn=1024
    tmpfs: /run
    tty: true
    ulimits:
      nproc: 65535
    use_api_socket: true
    user: "1000:1000"
    userns_mode: host
    uts: host
    volumes:
      - db-data:/etc/data
      - ./static:/opt/app/static:ro,z
      - /var/lib/anonymous
    volumes_from:
      - long_forms
      - container:container_name:rw
    working_dir: /code
    x-compose2units:
      image_archive: /home/core/web.tar
  long_forms:
    annotations:
      com.example.foo: bar
    blkio_config:
      weight: 300
      weight_device:
        - path: /dev/sda
          weight: 400
      device_read_bps:
        - path: /dev/sdb
          rate: "12mb"
      device_read_iops:
        - path: /dev/sdb
          rate: 120
      device_write_bps:
        - path: /dev/sdb
          rate: "1024k"
      device_write_iops:
        - path: /dev/sdb
          rate: 30
      x-note: extensions are allowed in closed mappings
    build:
      context: .
      dockerfile: webapp.Dockerfile
      args:
        GIT_COMMIT: cdc3b19
        BUILD_NUMBER: 42
        EMPTY:
      ssh: [default, "myproject=~/.ssh/myproject.pem"]
      cache_from: [alpine:latest, "type=local,src=path/to/cache"]
      cache_to: ["type=local,dest=path/to/cache"]
      additional_contexts:
        resources: /path/to/resources
      entitlements: [network.host]
      extra_hosts:
        somehost: "162.242.195.82"
      isolation: default
      privileged: true
      labels:
        com.example.department: Finance
      no_cache: true
      pull: "true"
      network: host
      shm_size: 10000000
      target: prod
      secrets:
        - server-certificate
        - source: token
          target: cert
          uid: "103"
          gid: 103
          mode: 0440
      tags: ["myimage:mytag"]
      ulimits:
        nofile:
          soft: 20000
          hard: 40000
      platforms: [linux/amd64, linux/arm64]
      provenance: mode=max
      sbom: true
      x-build-note: allowed
    command: ["bundle", "exec", "thin", "-p", "3000"]
    configs:
      - source: my_config
        target: /redis_config
        uid: "103"
        gid: "103"
        mode: 0440
    cpus: "1.5"
    credential_spec:
      config: my_credential_spec
    depends_on:
      short_forms:
        condition: service_healthy
        restart: true
      other:
        condition: service_completed_successfully
        required: false
      third:
        condition: service_started
    deploy:
      mode: replicated
      replicas: 2
      endpoint_mode: vip
      labels:
        com.example.description: "This label will appear on the web service"
      placement:
        constraints:
          - disktype=ssd
        preferences:
          - spread: node.labels.zone
        max_replicas_per_node: 1
      resources:
        limits:
          cpus: "0.50"
          memory: 50M
          pids: 1
        reservations:
          cpus: 0.25
          memory: 20M
          devices:
            - capabilities: ["nvidia-compute"]
              driver: nvidia
              count: 2
              options:
                virtualization: false
            - capabilities: [gpu]
              device_ids: ["GPU-f123d1c9-26bb-df9b-1c23-4a731f61d8c7"]
          generic_resources:
            - discrete_resource_spec:
                kind: gpu
                value: 2
      restart_policy:
        condition: on-failure
        delay: 5s
        max_attempts: 3
        window: 120s
      rollback_config:
        parallelism: 0
        delay: 0s
        failure_action: pause
        monitor: 10s
        max_failure_ratio: 0.1
        order: stop-first
      update_config:
        parallelism: 2
        delay: 10s
        failure_action: rollback
        monitor: 1m
        max_failure_ratio: "0"
        order: start-first
      x-aws-role: "arn:aws:iam::XXXXXXXXXXXX:role/foo"
    develop:
      watch:
        - path: ./etc/config
          action: sync+exec
          target: /etc/config/
          ignore: [node_modules/, "*.tmp"]
          exec:
            command: app reload
            user: root
            privileged: false
            working_dir: /app
            environment:
              RELOAD: 1
        - path: ./backend/src
          action: rebuild
    devices:
      - source: /dev/ttyUSB0
        target: /dev/ttyUSB0
        permissions: rwm
    dns: [8.8.8.8, 9.9.9.9]
    dns_search: [dc1.example.com, dc2.example.com]
    entrypoint:
      - php
      - -d
      - memory_limit=-1
    env_file:
      - ./a.env
      - path: ./default.env
        required: true
      - path: ./override.env
        required: "false"
        format: raw
    environment:
      RACK_ENV: development
      SHOW: "true"
      PORT: 8080
      DEBUG: false
      USER_INPUT:
    extends:
      file: common.yml
      service: webapp
    extra_hosts:
      somehost: "162.242.195.82"
      myhostv6: ["::1", "fe80::1"]
    gpus:
      - driver: 3dfx
        count: 2
      - device_ids: ["0", "1"]
        capabilities: [gpu, utility]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
      disable: false
    label_file:
      - ./app.labels
      - ./additional.labels
    labels:
      com.example.description: "Accounting webapp"
      com.example.label-with-empty-value: ""
    logging:
      driver: json-file
      options:
        max-size: 10m
        max-file: 3
        compress: true
    models:
      my_model:
        endpoint_var: MODEL_URL
        model_var: MODEL
      other_model:
    networks:
      front-tier:
        aliases: [alias1, alias3]
        interface_name: eth0
        ipv4_address: 172.16.238.10
        ipv6_address: "2001:3984:3989::10"
        link_local_ips: [57.123.22.11]
        mac_address: "02:42:ac:11:65:43"
        driver_opts:
          com.docker.network.bridge.host_binding_ipv4: "127.0.0.1"
          baz: 1
        priority: 1000
        gw_priority: 1
      back-tier:
      admin: {}
    pid: "service:short_forms"
    ports:
      - name: web
        target: 80
        host_ip: 127.0.0.1
        published: "8080"
        protocol: tcp
        app_protocol: http
        mode: host
      - name: web-secured
        target: "443"
        published: 8083
        mode: ingress
      - target: 9000
        published: "8083-9000"
    post_start:
      - command: ./do_something_on_startup.sh
        user: root
        privileged: true
        working_dir: /app
        environment:
          - FOO=BAR
    pre_stop:
      - command: ./data_backup.sh
        user: 0
    provider:
      type: awesomecloud
      options:
        type: mysql
        size: 2
        tags: [a, b]
    pull_policy: if_not_present
    restart: "no"
    scale: "1"
    secrets:
      - source: server-certificate
        target: server.cert
        uid: "103"
        gid: "103"
        mode: 0o440
    sysctls:
      net.core.somaxconn: 1024
      net.ipv4.tcp_syncookies: "0"
    tmpfs:
      - /data:mode=755,uid=1009,gid=1009
      - /run
    ulimits:
      nproc: "65535"
      nofile:
        soft: 20000
        hard: "40000"
    user: 1000
    volumes:
      - type: volume
        source: db-data
        target: /data
        read_only: false
        volume:
          nocopy: true
          subpath: sub
      - type: bind
        source: /var/run/postgres/postgres.sock
        target: /var/run/postgres/postgres.sock
        read_only: "true"
        consistency: cached
        bind:
          propagation: rshared
          create_host_path: false
          selinux: Z
      - type: tmpfs
        target: /scratch
        tmpfs:
          size: 64m
          mode: 1777
      - type: tmpfs
        target: /scratch2
        tmpfs:
          size: 10000
      - type: image
        source: alpine:latest
        target: /opt/alpine
        image:
          subpath: etc
      - type: npipe
        source: \\\\.\\pipe\\docker_engine
        target: \\\\.\\pipe\\docker_engine
      - type: cluster
        source: my-cluster-volume
        target: /cluster
        x-mount-note: allowed
  other:
    image: busybox
    command: null
    entrypoint: []
  third:
    build:
      context: https://github.com/mycompany/example.git#branch_or_tag:subdirectory
      dockerfile_inline: |
        FROM baseimage
        RUN some command
      args:
        - GIT_COMMIT=cdc3b19
        - GIT_BRANCH
      ssh:
        myproject: ~/.ssh/myproject.pem
      additional_contexts:
        - resources=/path/to/resources
        - app=docker-image://my-app:latest
      extra_hosts:
        - "somehost=162.242.195.82"
      labels:
        - "com.example.department=Finance"
      provenance: false
      sbom: "generator=docker/scout-sbom-indexer:latest"
    command: ""
    healthcheck:
      test: ["NONE"]
    environment: {}
    pull_policy: weekly
    restart: always
networks:
  front-tier:
  back-tier: {}
  admin:
    driver: bridge
    driver_opts:
      com.docker.network.bridge.host_binding_ipv4: "127.0.0.1"
      baz: 1
    attachable: true
    enable_ipv4: true
    enable_ipv6: "true"
    internal: false
    ipam:
      driver: default
      config:
        - subnet: 172.28.0.0/16
          ip_range: 172.28.5.0/24
          gateway: 172.28.5.254
          aux_addresses:
            host1: 172.28.1.5
            host2: 172.28.1.6
        - subnet: "2001:3984:3989::/64"
      options:
        foo: bar
        baz: "0"
    labels:
      com.example.description: "Financial transaction network"
    name: my-app-net
    x-network-note: allowed
  outside:
    external: true
    name: "actual-network"
  legacy:
    external:
      name: actual-legacy-network
  labelled:
    labels:
      - "com.example.department=Finance"
  x-not-a-network: anything
volumes:
  db-data:
  empty: {}
  example:
    driver: local
    driver_opts:
      type: "nfs"
      o: "addr=10.40.0.199,nolock,soft,rw"
      device: ":/docker/example"
    labels:
      - "com.example.description=Database volume"
    name: my-app-data
    x-volume-note: allowed
  outside:
    external: true
    name: actual-name-of-volume
  legacy:
    external:
      name: actual-legacy-volume
  mapped-labels:
    labels:
      com.example.department: "IT/Ops"
secrets:
  server-certificate:
    file: ./server.cert
  token:
    environment: OAUTH_TOKEN
  inline:
    content: not really secret
    labels:
      com.example.kind: inline
    template_driver: golang
  external-secret:
    external: true
    name: "actual-secret"
  driven:
    name: driven-secret
    driver: vault
    driver_opts:
      path: secret/data/app
    x-secret-note: allowed
configs:
  my_config:
    file: ./my_config.txt
  app_config:
    content: |
      debug=true
      spring.application.name=app
    template_driver: golang
  env_config:
    environment: APP_CONFIG
    labels:
      - "com.example.kind=env"
  my_other_config:
    external: true
    name: other-config
  legacy_config:
    external:
      name: legacy-config
models:
  my_model:
    model: ai/model
    context_size: 1024
    runtime_flags: ["--a-flag", "--another-flag=42"]
  other_model:
    model: ai/other
x-custom:
  foo: [bar, zot]
`;

/** A small valid document to break one thing at a time. */
function base(): Record<string, any> {
  return { services: { web: { image: "nginx", ports: ["80:80"], depends_on: ["db"] }, db: { image: "postgres" } } };
}

function breaking(change: (doc: Record<string, any>) => void): Record<string, any> {
  const doc = base();
  change(doc);
  return doc;
}

interface Invalid {
  readonly name: string;
  readonly doc: unknown;
  readonly instancePath: string;
  readonly keyword: string;
  readonly params?: Record<string, unknown>;
}

const INVALID: readonly Invalid[] = [
  {
    name: "an unknown service key",
    doc: breaking((d) => (d.services.web.restart_policy = "always")),
    instancePath: "/services/web",
    keyword: "additionalProperties",
    params: { additionalProperty: "restart_policy" },
  },
  {
    name: "a ports entry of the wrong type (boolean)",
    doc: breaking((d) => (d.services.web.ports = ["80:80", true])),
    instancePath: "/services/web/ports/1",
    keyword: "type",
  },
  {
    name: "a ports entry of the wrong type (nested list)",
    doc: breaking((d) => (d.services.web.ports = [[80, 80]])),
    instancePath: "/services/web/ports/0",
    keyword: "type",
  },
  {
    name: "ports given as a string instead of a list",
    doc: breaking((d) => (d.services.web.ports = "80:80")),
    instancePath: "/services/web/ports",
    keyword: "type",
  },
  {
    name: "an unknown depends_on condition",
    doc: breaking((d) => (d.services.web.depends_on = { db: { condition: "service_ready" } })),
    instancePath: "/services/web/depends_on/db/condition",
    keyword: "enum",
  },
  {
    name: "an unknown key in a depends_on entry",
    doc: breaking((d) => (d.services.web.depends_on = { db: { condition: "service_started", wait: true } })),
    instancePath: "/services/web/depends_on/db",
    keyword: "additionalProperties",
    params: { additionalProperty: "wait" },
  },
  {
    name: "an unknown top-level key without x-",
    doc: breaking((d) => (d.custom = { foo: "bar" })),
    instancePath: "",
    keyword: "additionalProperties",
    params: { additionalProperty: "custom" },
  },
  {
    name: "a long-form volume without target",
    doc: breaking((d) => (d.services.web.volumes = [{ type: "bind", source: "./data" }])),
    instancePath: "/services/web/volumes/0",
    keyword: "required",
    params: { missingProperty: "target" },
  },
  {
    name: "environment given as a number",
    doc: breaking((d) => (d.services.web.environment = 42)),
    instancePath: "/services/web/environment",
    keyword: "type",
  },
  {
    name: "an environment value that is a mapping",
    doc: breaking((d) => (d.services.web.environment = { A: { nested: true } })),
    instancePath: "/services/web/environment/A",
    keyword: "type",
  },
  {
    name: "an unknown volume type",
    doc: breaking((d) => (d.services.web.volumes = [{ type: "nfs", source: "x", target: "/x" }])),
    instancePath: "/services/web/volumes/0/type",
    keyword: "enum",
  },
  {
    name: "an unknown key in a long-form volume",
    doc: breaking((d) => (d.services.web.volumes = [{ type: "bind", source: "./x", target: "/x", readonly: true }])),
    instancePath: "/services/web/volumes/0",
    keyword: "additionalProperties",
    params: { additionalProperty: "readonly" },
  },
  {
    name: "a long-form port without target",
    doc: breaking((d) => (d.services.web.ports = [{ published: 8080 }])),
    instancePath: "/services/web/ports/0",
    keyword: "required",
    params: { missingProperty: "target" },
  },
  {
    name: "an unknown pull_policy",
    doc: breaking((d) => (d.services.web.pull_policy = "sometimes")),
    instancePath: "/services/web/pull_policy",
    keyword: "pattern",
  },
  {
    name: "a project name with capitals",
    doc: breaking((d) => (d.name = "MyProject")),
    instancePath: "/name",
    keyword: "pattern",
  },
  {
    name: "a service name with a space",
    doc: breaking((d) => (d.services["my web"] = { image: "nginx" })),
    instancePath: "/services",
    keyword: "propertyNames",
  },
  {
    name: "a service that is not a mapping",
    doc: breaking((d) => (d.services.db = "postgres")),
    instancePath: "/services/db",
    keyword: "type",
  },
  {
    name: "an unknown healthcheck key",
    doc: breaking((d) => (d.services.web.healthcheck = { test: "true", every: "5s" })),
    instancePath: "/services/web/healthcheck",
    keyword: "additionalProperties",
    params: { additionalProperty: "every" },
  },
  {
    name: "an unknown deploy key",
    doc: breaking((d) => (d.services.web.deploy = { replicas: 1, autoscale: true })),
    instancePath: "/services/web/deploy",
    keyword: "additionalProperties",
    params: { additionalProperty: "autoscale" },
  },
  {
    name: "an unknown deploy restart_policy condition",
    doc: breaking((d) => (d.services.web.deploy = { restart_policy: { condition: "always" } })),
    instancePath: "/services/web/deploy/restart_policy/condition",
    keyword: "enum",
  },
  {
    name: "a device reservation without capabilities",
    doc: breaking((d) => (d.services.web.deploy = { resources: { reservations: { devices: [{ driver: "nvidia" }] } } })),
    instancePath: "/services/web/deploy/resources/reservations/devices/0",
    keyword: "required",
    params: { missingProperty: "capabilities" },
  },
  {
    name: "a long-form secret without source",
    doc: breaking((d) => (d.services.web.secrets = [{ target: "/run/secrets/x" }])),
    instancePath: "/services/web/secrets/0",
    keyword: "required",
    params: { missingProperty: "source" },
  },
  {
    name: "a ulimit with only a soft limit",
    doc: breaking((d) => (d.services.web.ulimits = { nofile: { soft: 1024 } })),
    instancePath: "/services/web/ulimits/nofile",
    keyword: "required",
    params: { missingProperty: "hard" },
  },
  {
    name: "a command list holding a mapping",
    doc: breaking((d) => (d.services.web.command = ["echo", { a: 1 }])),
    instancePath: "/services/web/command/1",
    keyword: "type",
  },
  {
    name: "an env_file entry without path",
    doc: breaking((d) => (d.services.web.env_file = [{ required: false }])),
    instancePath: "/services/web/env_file/0",
    keyword: "required",
    params: { missingProperty: "path" },
  },
  {
    name: "a build mapping with an unknown key",
    doc: breaking((d) => (d.services.web.build = { context: ".", dockerFile: "x" })),
    instancePath: "/services/web/build",
    keyword: "additionalProperties",
    params: { additionalProperty: "dockerFile" },
  },
  {
    name: "a top-level network given as a list",
    doc: breaking((d) => (d.networks = { front: ["bridge"] })),
    instancePath: "/networks/front",
    keyword: "type",
  },
  {
    name: "an unknown top-level network key",
    doc: breaking((d) => (d.networks = { front: { driver: "bridge", mtu: 1400 } })),
    instancePath: "/networks/front",
    keyword: "additionalProperties",
    params: { additionalProperty: "mtu" },
  },
  {
    name: "an unknown ipam config key",
    doc: breaking((d) => (d.networks = { front: { ipam: { config: [{ subnet: "10.0.0.0/8", range: "x" }] } } })),
    instancePath: "/networks/front/ipam/config/0",
    keyword: "additionalProperties",
    params: { additionalProperty: "range" },
  },
  {
    name: "an unknown top-level volume key",
    doc: breaking((d) => (d.volumes = { data: { driver: "local", size: "1g" } })),
    instancePath: "/volumes/data",
    keyword: "additionalProperties",
    params: { additionalProperty: "size" },
  },
  {
    name: "a top-level secret left empty",
    doc: breaking((d) => (d.secrets = { token: null })),
    instancePath: "/secrets/token",
    keyword: "type",
  },
  {
    name: "an unknown top-level config key",
    doc: breaking((d) => (d.configs = { app: { file: "./app.conf", mode: 420 } })),
    instancePath: "/configs/app",
    keyword: "additionalProperties",
    params: { additionalProperty: "mode" },
  },
  {
    name: "an include entry without path",
    doc: breaking((d) => (d.include = [{ env_file: ".env" }])),
    instancePath: "/include/0",
    keyword: "required",
    params: { missingProperty: "path" },
  },
  {
    name: "a service network attachment with an unknown key",
    doc: breaking((d) => (d.services.web.networks = { front: { alias: ["x"] } })),
    instancePath: "/services/web/networks/front",
    keyword: "additionalProperties",
    params: { additionalProperty: "alias" },
  },
  {
    name: "a develop.watch rule with an unknown action",
    doc: breaking((d) => (d.services.web.develop = { watch: [{ path: ".", action: "reload" }] })),
    instancePath: "/services/web/develop/watch/0/action",
    keyword: "enum",
  },
  {
    name: "the whole document as a list",
    doc: [{ services: {} }],
    instancePath: "",
    keyword: "type",
  },
];

describe("compose schema", () => {
  it("is a draft 2020-12 schema with $defs", () => {
    expect((schema as Record<string, unknown>).$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(Object.keys(schema.$defs)).toContain("service");
  });

  it("accepts a broad document using every key in its short and long forms", () => {
    expect(errorsOf(parse(VALID, { merge: true }))).toEqual([]);
  });

  it("the broad document really uses every service key the schema knows", () => {
    const doc = parse(VALID, { merge: true }) as { services: Record<string, Record<string, unknown>> };
    const used = new Set(Object.values(doc.services).flatMap((s) => Object.keys(s)));
    const unused = Object.keys(schema.$defs.service.properties).filter((k) => !used.has(k));
    expect(unused).toEqual([]);
    const top = Object.keys(doc);
    expect(Object.keys(schema.properties).filter((k) => !top.includes(k))).toEqual([]);
  });

  it("accepts the minimal documents", () => {
    expect(errorsOf({})).toEqual([]);
    expect(errorsOf(base())).toEqual([]);
    expect(errorsOf({ services: { web: { build: "." } } })).toEqual([]);
    expect(errorsOf({ version: 2, services: { web: { image: "nginx" } } })).toEqual([]);
  });

  it("ignores x- extensions at every level, whatever they hold", () => {
    const doc = breaking((d) => {
      d["x-anything"] = [1, { nested: null }];
      d.services["x-shared"] = "not a service";
      d.services.web["x-compose2units"] = { image_archive: "/home/core/web.tar" };
      d.services.web.logging = { driver: "json-file", "x-note": 1 };
      d.services.web.deploy = { resources: { limits: { memory: "1g", "x-unit": "bytes" } }, "x-swarm": true };
      d.services.web.build = { context: ".", "x-cache": false };
      d.networks = { "x-net": 5, front: { driver: "bridge", "x-opts": {} } };
      d.volumes = { data: { "x-backup": "daily" } };
      d.secrets = { token: { environment: "TOKEN", "x-rotate": true } };
      d.configs = { app: { content: "a=b", "x-format": "ini" } };
    });
    expect(errorsOf(doc)).toEqual([]);
  });

  it("accepts interpolated text where numbers and booleans are expected", () => {
    const doc = breaking((d) => {
      Object.assign(d.services.web, {
        privileged: "true",
        read_only: "false",
        cpus: "0.5",
        cpu_shares: "512",
        mem_limit: "512m",
        pids_limit: "100",
        scale: "1",
        stop_grace_period: "10s",
        oom_score_adj: "-100",
        healthcheck: { test: "true", interval: "30s", retries: "3", disable: "false" },
        ports: ["${PORT}:80", { target: "80", published: "8080" }],
      });
    });
    expect(errorsOf(doc)).toEqual([]);
  });

  it("accepts the compose-format fixtures", () => {
    for (const name of ["coreos-efk", "postgres-data-container"]) {
      const path = fileURLToPath(new URL(`../fixtures/${name}/docker-compose.yml`, import.meta.url));
      expect(errorsOf(parse(readFileSync(path, "utf8"))), name).toEqual([]);
    }
  });

  it.each(INVALID)("rejects $name at $instancePath", ({ doc, instancePath, keyword, params }) => {
    const errors = errorsOf(doc);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => ({ instancePath: e.instancePath, keyword: e.keyword, params: e.params }))).toContainEqual(
      expect.objectContaining({ instancePath, keyword, ...(params ? { params: expect.objectContaining(params) } : {}) }),
    );
  });
});
