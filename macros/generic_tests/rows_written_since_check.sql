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

    A history (a snapshot, or a mart holding a snapshot's versions) changes
    only by versions added and closed at the recording time of the run,
    never earlier than a time already written (scd2_keys_to_check says
    why). Its tests name validity_columns instead: the pipeline sets
    C360_HISTORY_CHECKED_THROUGH to the recording time of the last day it
    completed, and only the keys of versions added or closed after it are
    read (1,000,000 customers: the version ids of 4.5 M segment memberships,
    0.15 s against 0.3 to 0.7 s for all of them).

    A where-condition on the tested relation. The key is the combination's
    first column, so that all rows of a repeat share it; rows without a key
    are always read.
#}
{% macro rows_to_check_for_repeats(model, combination_of_columns, written_at_column, validity_columns=none) -%}
    {%- set columns = [combination_of_columns] if combination_of_columns is string else combination_of_columns -%}
    {%- set key_column = columns[0] if columns | length > 0 else none -%}
    {%- if written_at_column and validity_columns -%}
        {{ exceptions.raise_compiler_error(
            "unique_combination_of_columns on " ~ model ~ ": give written_at_column (a table whose rows are "
            ~ "stamped when written) or validity_columns (a history), not both"
        ) }}
    {%- endif -%}
    {#- read while the test runs only: a variable dbt reads while parsing is one it parses again for -#}
    {%- if written_at_column -%}
        {%- set checked_through = customer360.utc_time_from_env('C360_BUILD_CHECKED_THROUGH') if execute else none -%}
        {%- set written_since_check = 'written.' ~ written_at_column ~ ' >= ' ~ checked_through -%}
    {%- elif validity_columns -%}
        {%- if validity_columns | length != 2 -%}
            {{ exceptions.raise_compiler_error(
                "unique_combination_of_columns on " ~ model ~ ": validity_columns names the valid_from and "
                ~ "valid_to columns, in that order; got " ~ validity_columns
            ) }}
        {%- endif -%}
        {%- set checked_through = customer360.utc_time_from_env('C360_HISTORY_CHECKED_THROUGH') if execute else none -%}
        {#- as scd2_keys_to_check reads a history: the versions added or closed after the check -#}
        {%- set written_since_check = customer360.version_recorded_after(
            'written', validity_columns[0], validity_columns[1], checked_through
        ) -%}
    {%- else -%}
        {%- set checked_through = none -%}
    {%- endif -%}
    {#- no column at all: repeated_combinations stops with the reason -#}
    {%- if key_column and checked_through is not none -%}
        (
            {{ key_column }} is null
            or {{ key_column }} in (
                select written.{{ key_column }}
                from {{ model }} as written
                where {{ written_since_check }}
            )
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
