{{- define "webapp.fullname" -}}
{{- include "common.fullname" (dict "ctx" $) -}}
{{- end -}}

{{- define "webapp.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
