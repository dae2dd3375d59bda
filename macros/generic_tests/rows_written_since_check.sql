{#
    What a uniqueness test of an incremental model reads in the daily
    pipeline. Such a model changes only by deleting rows and by writing rows
    stamped with the run that writes them (a column such as built_at, from
    run_started_at_second). The pipeline sets C360_BUILD_CHECKED_THROUGH to
    the moment (UTC, to the second, rounded down) the last day it completed
    on this warehouse finished: every test of that day passed, on every row
    written until then. A repeat found later must include a row written
    since, deleting rows makes none, and the rows sharing the repeated key
    are all read with it: so only the keys of rows written since need be
    read (about 1% of them on a daily increment). dbt commands run by hand
    leave the variable unset, and then every row is read, as when the test
    names no stamp column.

    A where-condition on the tested relation. The key is the combination's
    first column, so that all rows of a repeat share it; rows without a key
    are always read.
#}
{% macro rows_to_check_for_repeats(model, combination_of_columns, written_at_column) -%}
    {%- set columns = [combination_of_columns] if combination_of_columns is string else combination_of_columns -%}
    {%- set key_column = columns[0] if columns | length > 0 else none -%}
    {#- read while the test runs only: a variable dbt reads while parsing is one it parses again for -#}
    {%- set checked_through = customer360.utc_time_from_env('C360_BUILD_CHECKED_THROUGH') if execute else none -%}
    {#- no column at all: repeated_combinations stops with the reason -#}
    {%- if written_at_column and key_column and checked_through is not none -%}
        (
            {{ key_column }} is null
            or {{ key_column }} in (
                select written.{{ key_column }}
                from {{ model }} as written
                where written.{{ written_at_column }} >= {{ checked_through }}
            )
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
