{{- define "op.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- default .Release.Name .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "op.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/part-of: order-platform
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one service's pods. Call with (dict "root" $ "name" $name). */}}
{{- define "op.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "op.serviceName" -}}
{{ include "op.fullname" .root }}-{{ .name }}
{{- end -}}

{{- define "op.image" -}}
{{- $svc := index .root.Values.services .name -}}
{{- $repo := $svc.image.repository -}}
{{- if .root.Values.image.registry }}{{ $repo = printf "%s/%s" .root.Values.image.registry $repo }}{{ end -}}
{{ $repo }}:{{ $svc.image.tag | default .root.Values.image.tag }}
{{- end -}}

{{- define "op.rabbitmqName" -}}{{ include "op.fullname" . }}-rabbitmq{{- end -}}
{{- define "op.postgresName" -}}{{ include "op.fullname" . }}-pg{{- end -}}
{{- define "op.poolerName" -}}{{ include "op.fullname" . }}-pg-pooler-rw{{- end -}}
{{- define "op.orderIdSecretName" -}}{{ .Values.orderIds.existingSecret | default (printf "%s-order-ids" (include "op.fullname" .)) }}{{- end -}}
{{- define "op.devHs256SecretName" -}}{{ .Values.identity.devHs256.existingSecret | default (printf "%s-dev-hs256" (include "op.fullname" .)) }}{{- end -}}

{{/*
The dev-only HS256 mode is refused unless the release says it is a development one: the gateway
itself refuses it with NODE_ENV=production, so a production render fails here instead of crash-looping.
*/}}
{{- define "op.identityChecks" -}}
{{- if .Values.identity.devHs256.enabled }}
{{- if ne .Values.config.nodeEnv "development" }}
{{- fail (printf "identity.devHs256 is for development only (shared-secret tokens anyone holding the secret can mint); it is refused with config.nodeEnv=%s. Use identity.jwksUrl with an identity provider." .Values.config.nodeEnv) }}
{{- end }}
{{- if not (or .Values.identity.devHs256.secret .Values.identity.devHs256.existingSecret) }}
{{- fail "identity.devHs256.enabled needs identity.devHs256.secret or identity.devHs256.existingSecret" }}
{{- end }}
{{- else if not .Values.identity.jwksUrl }}
{{- fail "identity.jwksUrl is required: the identity provider's JWKS the gateway verifies tokens with" }}
{{- end }}
{{- end -}}

{{/* The topology operator names the Secret it generates for a User "<user>-user-credentials". */}}
{{- define "op.rabbitmqUser" -}}{{ include "op.fullname" .root }}-{{ .name }}{{- end -}}
{{- define "op.rabbitmqUserSecret" -}}
{{- if .root.Values.rabbitmq.external.host -}}
{{ .root.Values.rabbitmq.external.existingSecret | default (printf "%s-rabbitmq-external" (include "op.fullname" .root)) }}
{{- else -}}
{{ include "op.rabbitmqUser" . }}-user-credentials
{{- end -}}
{{- end -}}

{{/* initdb's owner gets the operator-generated <cluster>-app secret; other owners a chart-rendered one. */}}
{{- define "op.dbSecretName" -}}
{{- if and (eq .name .root.Values.postgres.initdbService) (not .root.Values.postgres.external.host) -}}
{{ include "op.postgresName" .root }}-app
{{- else -}}
{{ include "op.fullname" .root }}-db-{{ .name }}
{{- end -}}
{{- end -}}

{{- define "op.dbHost" -}}
{{- if .Values.postgres.external.host -}}
{{ .Values.postgres.external.host }}
{{- else if .Values.postgres.pooler.enabled -}}
{{ include "op.poolerName" . }}
{{- else -}}
{{ include "op.postgresName" . }}-rw
{{- end -}}
{{- end -}}

{{/* Straight to the primary, never through the pooler: migrations take locks and use session features. */}}
{{- define "op.dbDirectHost" -}}
{{ .Values.postgres.external.host | default (printf "%s-rw" (include "op.postgresName" .)) }}
{{- end -}}

{{- define "op.rabbitmqHost" -}}
{{ .Values.rabbitmq.external.host | default (include "op.rabbitmqName" .) }}
{{- end -}}

{{- define "op.terminationGracePeriodSeconds" -}}
{{ add (div .Values.config.shutdownGraceMs 1000) .Values.preStopSleepSeconds 10 }}
{{- end -}}

{{/* Credentials read from Secrets; shared by Deployments and migration Jobs. */}}
{{- define "op.secretEnv" -}}
{{- $svc := index .root.Values.services .name -}}
{{- if $svc.database }}
- name: DB_USER
  valueFrom: { secretKeyRef: { name: {{ include "op.dbSecretName" . }}, key: username } }
- name: DB_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ include "op.dbSecretName" . }}, key: password } }
{{- end }}
{{- if not .migration }}
- name: RABBITMQ_USER
  valueFrom: { secretKeyRef: { name: {{ include "op.rabbitmqUserSecret" . }}, key: username } }
- name: RABBITMQ_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ include "op.rabbitmqUserSecret" . }}, key: password } }
{{- if eq .name "api-gateway" }}
- name: ORDER_ID_SECRET
  valueFrom: { secretKeyRef: { name: {{ include "op.orderIdSecretName" .root }}, key: secret } }
{{- if .root.Values.identity.devHs256.enabled }}
- name: JWT_DEV_HS256_SECRET
  valueFrom: { secretKeyRef: { name: {{ include "op.devHs256SecretName" .root }}, key: secret } }
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
A password that survives upgrades: the explicit value, else the one already in the cluster, else a new one.
`helm template` cannot look up, so offline renders get a fresh random value.
*/}}
{{- define "op.persistentSecretValue" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret -}}
{{- if .value -}}
{{ .value | b64enc }}
{{- else if and $existing (index ($existing.data | default dict) .key) -}}
{{ index $existing.data .key }}
{{- else -}}
{{ randAlphaNum 40 | b64enc }}
{{- end -}}
{{- end -}}

{{- define "op.podSecurity" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
automountServiceAccountToken: false
{{- end -}}

{{/*
Where pods run. hostNetwork is for the cluster test's real node only (values-cluster-test.yaml), which
has no pod network; it breaks the restricted Pod Security Standard, so never set it in a real cluster.
*/}}
{{- define "op.podPlacement" -}}
{{- if .Values.hostNetwork }}
hostNetwork: true
dnsPolicy: ClusterFirstWithHostNet
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
