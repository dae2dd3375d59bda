{#
    Every engine accepts a different set of spellings in a plain cast (DuckDB
    rounds '12.5' to an integer, PostgreSQL reads '07/14/1985' per DateStyle,
    both take '24:00:00'). To give the same answer everywhere, text is first
    checked against one strict pattern per type and only then cast.
#}

{% macro cast_or_null(expression, data_type, pattern_checked=false) -%}
    {{ return(adapter.dispatch('cast_or_null', 'customer360')(expression, data_type, pattern_checked)) }}
{%- endmacro %}

{% macro default__cast_or_null(expression, data_type, pattern_checked=false) -%}
    {%- set spec = customer360.cast_type_spec(data_type) -%}
    {%- set text = 'trim(cast(' ~ expression ~ ' as ' ~ (dbt.type_string() | lower) ~ '))' -%}
    {%- set cast_text = 'try_cast(' ~ text ~ ' as ' ~ spec.sql_type ~ ')' -%}
    {%- if spec.kind == 'text' -%}
        cast({{ expression }} as {{ dbt.type_string() | lower }})
    {%- elif spec.kind == 'boolean' -%}
        {{ customer360.parse_boolean(expression) }}
    {%- elif pattern_checked -%}
        {#- the caller matched the value, untrimmed, against a pattern at least as strict -#}
        try_cast(cast({{ expression }} as {{ dbt.type_string() | lower }}) as {{ spec.sql_type }})
    {%- else -%}
        case
            when {{ customer360.regex_matches(text, "'" ~ customer360.cast_input_pattern(spec.kind) ~ "'") }}
                then {{ cast_text }}
        end
    {%- endif -%}
{%- endmacro %}

{# try_cast reads '1e400' as infinity; other engines answer null. #}
{% macro duckdb__cast_or_null(expression, data_type, pattern_checked=false) -%}
    {%- set spec = customer360.cast_type_spec(data_type) -%}
    {%- if spec.kind == 'double' -%}
        {%- set value = customer360.default__cast_or_null(expression, data_type, pattern_checked) -%}
        case when isfinite({{ value }}) then {{ value }} end
    {%- else -%}
        {{ customer360.default__cast_or_null(expression, data_type, pattern_checked) }}
    {%- endif -%}
{%- endmacro %}

{#
    PostgreSQL 15 has no try_cast: the helper functions created by
    create_portable_functions() validate the text and never raise.
#}
{#- The helper functions check the pattern themselves: pattern_checked changes nothing. -#}
{% macro postgres__cast_or_null(expression, data_type, pattern_checked=false) -%}
    {%- set spec = customer360.cast_type_spec(data_type) -%}
    {%- set schema = customer360.portable_functions_schema() -%}
    {%- if spec.kind == 'text' -%}
        cast({{ expression }} as text)
    {%- elif spec.kind == 'boolean' -%}
        {{ customer360.parse_boolean(expression) }}
    {%- elif spec.kind == 'decimal' -%}
        cast({{ schema }}.c360_try_cast_decimal(cast({{ expression }} as text), {{ spec.precision }}, {{ spec.scale }}) as {{ spec.sql_type }})
    {%- else -%}
        {{ schema }}.c360_try_cast_{{ spec.kind }}(cast({{ expression }} as text))
    {%- endif -%}
{%- endmacro %}

{# Spark's plain timestamp follows the session time zone; timestamp_ntz does not. #}
{% macro spark__cast_or_null(expression, data_type, pattern_checked=false) -%}
    {%- set spec = customer360.cast_type_spec(data_type) -%}
    {%- if spec.kind == 'text' -%}
        cast({{ expression }} as string)
    {%- elif spec.kind == 'boolean' -%}
        {{ customer360.parse_boolean(expression) }}
    {%- else -%}
        {%- set text = 'trim(cast(' ~ expression ~ ' as string))' -%}
        {%- set cast_text = 'try_cast(' ~ text ~ ' as ' ~ ('timestamp_ntz' if spec.kind == 'timestamp' else spec.sql_type) ~ ')' -%}
        {%- set value -%}
            {%- if pattern_checked -%}
                {{ cast_text }}
            {%- else -%}
            case
                when {{ customer360.regex_matches(text, "'" ~ customer360.cast_input_pattern(spec.kind) ~ "'") }}
                    then {{ cast_text }}
            end
            {%- endif -%}
        {%- endset -%}
        {%- if spec.kind == 'double' -%}
            {#- Java reads '1e400' as infinity too -#}
            case when abs({{ value }}) < cast('Infinity' as double) then {{ value }} end
        {%- else -%}
            {{ value }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#
    Reads a data_type argument such as 'integer', 'double' or 'decimal(12, 2)'
    into a kind, the SQL type of the current engine and, for decimals, the
    precision and scale.
#}
{% macro cast_type_spec(data_type) -%}
    {%- set normalized = data_type | string | lower | trim -%}
    {%- set decimal_match = modules.re.match('^(decimal|numeric) *[(] *([0-9]+) *, *([0-9]+) *[)]$', normalized) -%}
    {%- set aliases = {
        'integer': 'integer', 'int': 'integer', 'int4': 'integer',
        'bigint': 'bigint', 'int8': 'bigint',
        'double': 'double', 'double precision': 'double', 'float8': 'double',
        'date': 'date',
        'timestamp': 'timestamp', 'timestamp without time zone': 'timestamp',
        'boolean': 'boolean', 'bool': 'boolean',
        'text': 'text', 'varchar': 'text', 'string': 'text',
    } -%}
    {%- if decimal_match -%}
        {%- set precision = decimal_match.group(2) | int -%}
        {%- set scale = decimal_match.group(3) | int -%}
        {%- if precision < 1 or precision > 38 or scale > precision -%}
            {{ exceptions.raise_compiler_error("cast_or_null: unsupported decimal precision/scale in '" ~ data_type ~ "' (precision 1-38, scale <= precision)") }}
        {%- endif -%}
        {{ return({'kind': 'decimal', 'precision': precision, 'scale': scale, 'sql_type': 'decimal(' ~ precision ~ ', ' ~ scale ~ ')'}) }}
    {%- elif normalized in aliases -%}
        {%- set kind = aliases[normalized] -%}
        {%- set sql_types = {'integer': 'integer', 'bigint': 'bigint', 'double': 'double', 'date': 'date', 'timestamp': 'timestamp', 'boolean': 'boolean', 'text': dbt.type_string() | lower} -%}
        {{ return({'kind': kind, 'precision': none, 'scale': none, 'sql_type': sql_types[kind]}) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("cast_or_null: unsupported data_type '" ~ data_type ~ "'; use integer, bigint, double, decimal(p,s), date, timestamp, boolean or text") }}
    {%- endif -%}
{%- endmacro %}


{#
    The text each kind accepts (after trimming spaces), as a regular expression
    without backslashes. Shared with the PostgreSQL helper functions so that all
    engines accept exactly the same inputs. Years run 1000-9999: a year 0 is
    valid in DuckDB and invalid in PostgreSQL.
#}
{% macro cast_input_pattern(kind) -%}
    {%- set date_pattern = '[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}' -%}
    {%- set time_pattern = '([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?' -%}
    {%- set patterns = {
        'integer': '^[+-]?[0-9]+$',
        'bigint': '^[+-]?[0-9]+$',
        'double': '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$',
        'decimal': '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$',
        'date': '^' ~ date_pattern ~ '$',
        'timestamp': '^' ~ date_pattern ~ '([ Tt]' ~ time_pattern ~ ')?$',
    } -%}
    {{ return(patterns[kind]) }}
{%- endmacro %}
