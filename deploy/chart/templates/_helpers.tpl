{{/*
What each service needs from the cluster, as its README and its config reader say; the
TypeScript in deploy/src/services.ts states the same and a test checks they agree.
  port         its GraphQL port (PORT), also its probes' and /metrics' (but the gateway's)
  metricsPort  the gateway's own port for /metrics (METRICS_PORT): its main port is public
  database     owns a PostgreSQL database (DATABASE_URL)
  redis        its entry point refuses to start without REDIS_URL
  tokenKey     the half of the token key pair it holds: users signs, the gateway verifies
  peers        the subgraphs it calls, each given as <NAME>_URL
*/}}
{{- define "agora.catalogue" -}}
- name: gateway
  port: 4000
  metricsPort: 9464
  database: false
  redis: true
  tokenKey: public
  peers: [users, inventory, orders, financial, petitions, signatures]
- name: users
  port: 4001
  database: true
  redis: true
  tokenKey: private
  peers: []
- name: inventory
  port: 4002
  database: true
  redis: false
  tokenKey: none
  peers: []
- name: orders
  port: 4003
  database: true
  redis: true
  tokenKey: none
  peers: [inventory, financial, users]
- name: financial
  port: 4004
  database: true
  redis: false
  tokenKey: none
  peers: []
- name: petitions
  port: 4005
  database: true
  redis: true
  tokenKey: none
  peers: []
- name: signatures
  port: 4006
  database: true
  redis: true
  tokenKey: none
  peers: [petitions]
{{- end }}

{{/* The catalogue as a list of maps. */}}
{{- define "agora.services" -}}
{{- include "agora.catalogue" . | fromYamlArray | toJson }}
{{- end }}

{{/* The prefix of every object's name; trimmed so that "-signatures" still fits in 63. */}}
{{- define "agora.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* The Deployment, Service and the rest of one service: (dict "root" $ "name" "orders"). */}}
{{- define "agora.resourceName" -}}
{{- printf "%s-%s" (include "agora.fullname" .root) .name }}
{{- end }}

{{/* What a service's pods are selected by: (dict "root" $ "name" "orders"). */}}
{{- define "agora.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: agora
{{- end }}

{{/* Every object's labels: (dict "root" $ "name" "orders"). */}}
{{- define "agora.labels" -}}
{{ include "agora.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end }}

{{/* The Secret holding GATEWAY_SECRET and the token keys. */}}
{{- define "agora.keysSecret" -}}
{{- .Values.existingSecret | default (printf "%s-keys" (include "agora.fullname" .)) }}
{{- end }}

{{/* The Secret holding REDIS_URL and each subgraph's DATABASE_URL_<NAME>. */}}
{{- define "agora.connectionsSecret" -}}
{{- .Values.existingSecret | default (printf "%s-connections" (include "agora.fullname" .)) }}
{{- end }}

{{/* The server URL with the database as its path; credentials and query (sslmode) are kept. */}}
{{- define "agora.databaseUrl" -}}
{{- $url := urlParse .root.Values.postgres.url }}
{{- $_ := set $url "path" (printf "/%s%s" .root.Values.postgres.databasePrefix .name) }}
{{- urlJoin $url }}
{{- end }}

{{/* The variables the chart sets itself, which <service>.env may not set. */}}
{{- define "agora.chartEnv" -}}
{{- $names := list "PORT" "METRICS_PORT" "GATEWAY_SECRET" "DATABASE_URL" "REDIS_URL" "REDIS_PREFIX" "JWT_KEY_ID" "JWT_PRIVATE_KEY" "JWT_PUBLIC_KEY" "TRUSTED_PROXY_HOPS" }}
{{- range include "agora.services" . | fromJsonArray }}
{{- $names = append $names (printf "%s_URL" (upper .name)) }}
{{- end }}
{{- toJson $names }}
{{- end }}

{{/* An environment variable read from a key of a Secret. */}}
{{- define "agora.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key | default .name }}
{{- end }}

{{/*
The settings one service's config reader asks for, then the extra ones of its values:
(dict "root" $ "service" <catalogue entry>).
*/}}
{{- define "agora.env" -}}
{{- $root := .root }}
{{- $service := .service }}
{{- $own := index $root.Values $service.name }}
{{- $keys := include "agora.keysSecret" $root }}
{{- $connections := include "agora.connectionsSecret" $root -}}
- name: PORT
  value: {{ $service.port | quote }}
{{- with $service.metricsPort }}
- name: METRICS_PORT
  value: {{ . | quote }}
{{- end }}
{{ include "agora.secretEnv" (dict "name" "GATEWAY_SECRET" "secret" $keys) }}
{{- if $service.database }}
{{ include "agora.secretEnv" (dict "name" "DATABASE_URL" "secret" $connections "key" (printf "DATABASE_URL_%s" (upper $service.name))) }}
{{- end }}
{{- if $service.redis }}
{{ include "agora.secretEnv" (dict "name" "REDIS_URL" "secret" $connections) }}
- name: REDIS_PREFIX
  value: {{ $root.Values.redis.prefix | quote }}
{{- end }}
{{- if ne $service.tokenKey "none" }}
{{ include "agora.secretEnv" (dict "name" "JWT_KEY_ID" "secret" $keys) }}
{{ include "agora.secretEnv" (dict "name" (printf "JWT_%s_KEY" (upper $service.tokenKey)) "secret" $keys) }}
{{- end }}
{{- $ports := dict }}
{{- range include "agora.services" $root | fromJsonArray }}
{{- $_ := set $ports .name .port }}
{{- end }}
{{- range $service.peers }}
- name: {{ upper . }}_URL
  value: {{ printf "http://%s:%v/graphql" (include "agora.resourceName" (dict "root" $root "name" .)) (get $ports .) }}
{{- end }}
{{- if eq $service.name "gateway" }}
- name: TRUSTED_PROXY_HOPS
  value: {{ $root.Values.gateway.trustedProxyHops | quote }}
{{- end }}
{{- range $name, $value := $own.env }}
{{- if has $name (include "agora.chartEnv" $root | fromJsonArray) }}
{{- fail (printf "%s.env.%s is set by the chart itself (see values.yaml for the value behind it)" $service.name $name) }}
{{- end }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}
