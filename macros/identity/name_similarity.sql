{#
    1 - edit distance / length of the longer text, counted in characters on
    every engine, so that CJK names (three bytes a character in UTF-8) score
    like Latin ones.
#}
{% macro name_similarity(left, right) -%}
    {{ return(adapter.dispatch('name_similarity', 'customer360')(left, right)) }}
{%- endmacro %}

{# A null text makes every comparison null, so the result is null too. #}
{% macro default__name_similarity(left, right) -%}
    case
        when {{ left }} <> '' and {{ right }} <> ''
            then 1 - cast({{ customer360.levenshtein_distance(left, right) }} as double)
                / greatest(length({{ left }}), length({{ right }}))
    end
{%- endmacro %}

{# PostgreSQL spells the type "double precision". #}
{% macro postgres__name_similarity(left, right) -%}
    case
        when {{ left }} <> '' and {{ right }} <> ''
            then 1 - cast({{ customer360.levenshtein_distance(left, right) }} as double precision)
                / greatest(length({{ left }}), length({{ right }}))
    end
{%- endmacro %}


{% macro levenshtein_distance(left, right) -%}
    {{ return(adapter.dispatch('levenshtein_distance', 'customer360')(left, right)) }}
{%- endmacro %}

{# Spark's levenshtein counts characters (code points). #}
{% macro default__levenshtein_distance(left, right) -%}
    levenshtein({{ left }}, {{ right }})
{%- endmacro %}

{#
    DuckDB's own levenshtein counts bytes, and PostgreSQL's needs the
    fuzzystrmatch extension: both call c360_levenshtein, which
    create_portable_functions() creates (a DuckDB macro, a plpgsql function).
#}
{% macro duckdb__levenshtein_distance(left, right) -%}
    {{ customer360.portable_functions_schema() }}.c360_levenshtein({{ left }}, {{ right }})
{%- endmacro %}

{% macro postgres__levenshtein_distance(left, right) -%}
    {{ customer360.portable_functions_schema() }}.c360_levenshtein({{ left }}, {{ right }})
{%- endmacro %}
