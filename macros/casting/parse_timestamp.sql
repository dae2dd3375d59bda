{% macro parse_timestamp_utc(expression) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'customer360')(expression)) }}
{%- endmacro %}

{#
    Works on text only: the local date-time is cast without any time zone and
    the offset is then subtracted as plain minutes, so the session time zone
    never takes part. Fractions beyond microseconds are cut, not rounded.
    Almost every value comes in the canonical UTC form 'YYYY-MM-DD HH:MM:SS';
    it is recognised by one pattern and cast directly, so the offset parsing
    (five more pattern matches) runs only for the rest. The canonical pattern
    is stricter than cast_or_null's own, which need not be matched again.
    It reads the value untrimmed: one with spaces around it still parses, in
    the second branch, and the first no longer trims the 95% that have none
    (1,000,000 customers, 5.2 million event times: 3.3-3.8 to 2.0-2.3 CPU seconds).
#}
{% macro default__parse_timestamp_utc(expression) -%}
    {%- set value = 'upper(trim(' ~ expression ~ '))' -%}
    {%- set offset_pattern = "[ ]?(Z|[+-](0[0-9]|1[0-4]):?[0-5][0-9])" -%}
    {%- set full_pattern = "^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,9})?(" ~ offset_pattern ~ ")?$" -%}
    {%- set local_text = "replace(substr(" ~ customer360.regex_replace(value, "'" ~ offset_pattern ~ "$'", "''") ~ ", 1, 26), 'T', ' ')" -%}
    {%- set offset_hours = customer360.regex_extract(value, "'([+-][0-9]{2}):?[0-9]{2}$'") -%}
    {%- set offset_minutes = customer360.regex_extract(value, "'[+-][0-9]{2}:?([0-9]{2})$'") -%}
    {%- set offset_total_minutes -%}
        coalesce(
            cast({{ offset_hours }} as integer) * 60
            + case when {{ offset_hours }} like '-%' then -1 else 1 end * cast({{ offset_minutes }} as integer),
            0
        )
    {%- endset -%}
    {%- set canonical_pattern = "^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2} ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$" -%}
    case
        when {{ customer360.regex_matches(expression, "'" ~ canonical_pattern ~ "'") }}
            then {{ customer360.cast_or_null(expression, 'timestamp', pattern_checked=true) }}
        when {{ customer360.regex_matches(value, "'" ~ full_pattern ~ "'") }}
            then {{ customer360.timestamp_add_minutes(customer360.cast_or_null(local_text, 'timestamp'), '-(' ~ offset_total_minutes ~ ')') }}
    end
{%- endmacro %}


{% macro parse_date(expression) -%}
    {{ return(adapter.dispatch('parse_date', 'customer360')(expression)) }}
{%- endmacro %}

{# cast_or_null to date already accepts YYYY-MM-DD only and rejects impossible days. #}
{% macro default__parse_date(expression) -%}
    {{ customer360.cast_or_null(expression, 'date') }}
{%- endmacro %}
