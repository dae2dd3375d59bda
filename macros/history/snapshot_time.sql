{#
    The time every snapshot writes into dbt_valid_from / dbt_valid_to: the
    moment the warehouse learned a change. The adapters' own snapshot_get_time
    is now() cast to a timestamp without zone, i.e. the session's local wall
    clock, so a machine or server outside UTC would write local times into
    history. These overrides (found before the adapters' by name) make it UTC,
    or the instant in the C360_HISTORY_RECORDED_AT environment variable when a
    day is replayed. An environment variable rather than a dbt var: a changed
    --vars makes dbt parse the whole project again, every day of a replay.
#}
{% macro history_recorded_at() -%}
    {{ return(adapter.dispatch('history_recorded_at', 'customer360')()) }}
{%- endmacro %}

{% macro default__history_recorded_at() -%}
    {%- set recorded_at = customer360.utc_time_from_env('C360_HISTORY_RECORDED_AT') -%}
    {{ customer360.current_timestamp_utc() if recorded_at is none else recorded_at }}
{%- endmacro %}


{#
    A UTC time read from an environment variable, as a SQL timestamp literal;
    none when the variable is unset or empty. Only a zone-less UTC text is
    accepted: an offset would make the cast depend on the session time zone,
    which is what the history's times must never do.
#}
{% macro utc_time_from_env(variable) -%}
    {%- set text = env_var(variable, '') | trim -%}
    {%- if text == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set pattern = '^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)?$' -%}
    {%- if not modules.re.match(pattern, text) -%}
        {{ exceptions.raise_compiler_error(
            variable ~ " must be a UTC time as 'YYYY-MM-DD[ HH:MM[:SS]]' without an offset, got '" ~ text ~ "'"
        ) }}
    {%- endif -%}
    {{ return("cast('" ~ (text | replace("T", " ")) ~ "' as timestamp)") }}
{%- endmacro %}


{% macro duckdb__snapshot_get_time() -%}
    {{ customer360.history_recorded_at() }}
{%- endmacro %}

{% macro postgres__snapshot_get_time() -%}
    {{ customer360.history_recorded_at() }}
{%- endmacro %}

{% macro spark__snapshot_get_time() -%}
    {{ customer360.history_recorded_at() }}
{%- endmacro %}


{#
    Snapshot pre-hook. History is append-only: a recording time earlier than a
    change already written (a replay of an old day, a clock set back) would
    give windows that end before they start, so the snapshot stops first.
    Renders no SQL; the check runs while the hook is rendered.
#}
{% macro assert_history_moves_forward() %}
    {%- if execute -%}
        {%- set existing = load_relation(this) -%}
        {%- if existing is not none -%}
            {%- set check_sql -%}
                select
                    cast(max(dbt_valid_from) as {{ dbt.type_string() }}) as latest_change_at,
                    cast({{ customer360.history_recorded_at() }} as {{ dbt.type_string() }}) as recorded_at
                from {{ existing }}
                having max(dbt_valid_from) > {{ customer360.history_recorded_at() }}
            {%- endset -%}
            {%- set later = run_query(check_sql) -%}
            {%- if later.rows | length > 0 -%}
                {{ exceptions.raise_compiler_error(
                    "History of " ~ this ~ " already holds a change recorded at " ~ later.rows[0][0]
                    ~ ", later than this run's recording time " ~ later.rows[0][1]
                    ~ ". History only moves forward: set C360_HISTORY_RECORDED_AT to a later time, or leave it unset."
                ) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
