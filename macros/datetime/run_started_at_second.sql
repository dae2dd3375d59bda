{% macro run_started_at_second() %}
    {#- The run's start (UTC) to the second, as a timestamp literal: what a
        model stamps on the rows it writes in this run, in one form wherever
        such stamps are compared (customer-id assignments and the facts that
        follow them). -#}
    {{- return("cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "' as timestamp)") -}}
{% endmacro %}
