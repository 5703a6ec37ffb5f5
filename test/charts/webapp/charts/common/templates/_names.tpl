{{/* Fully qualified name: common.fullname (dict "ctx" $ "suffix" "x") */}}
{{- define "common.fullname" -}}
{{- $ctx := .ctx -}}
{{- $name := default $ctx.Chart.Name $ctx.Values.nameOverride -}}
{{- $base := ternary $ctx.Release.Name (printf "%s-%s" $ctx.Release.Name $name) (contains $name $ctx.Release.Name) -}}
{{- if .suffix -}}
{{- printf "%s-%s" $base .suffix | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $base | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "common.labels" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "common.tplvalues.render" -}}
{{- if typeIs "string" .value -}}
{{- tpl .value .ctx -}}
{{- else -}}
{{- tpl (.value | toYaml) .ctx -}}
{{- end -}}
{{- end -}}

{{- define "common.capabilities.ingress.apiVersion" -}}
{{- if semverCompare "<1.19-0" .ctx.Capabilities.KubeVersion.Version -}}
networking.k8s.io/v1beta1
{{- else -}}
networking.k8s.io/v1
{{- end -}}
{{- end -}}
