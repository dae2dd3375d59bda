{#
    The history marts (dim_customers_history, fct_segment_memberships_history)
    are their snapshot's rows, renamed. A snapshot run at recording time T
    only ever writes T: into dbt_valid_from of the versions it adds and into
    dbt_valid_to of the versions it closes, and T never goes back
    (assert_history_moves_forward). So the rows a daily build may have to
    rewrite are those stamped at or after the latest valid_from the mart
    holds (the mark); every other row is as the mart already has it.

    Rows stamped after the mark are new to the mart: it was last built before
    any run after the mark. Rows stamped at the mark it holds already, unless
    the snapshot ran again at the mark after the mart was built (a day run
    again). A snapshot never removes a version nor opens a closed one, so that
    happened exactly when the snapshot holds more versions begun at the mark,
    or more closed at it, than the mart does: two counts. Only then are the
    rows stamped at the mark compared with the mart's, one by one. Comparing
    them every day made the first daily build after a full one read every
    version the full build had recorded, since they all carry the mark (at
    1,000,000 customers the segment history's 4.5 M: its query 1.2 to 2.2 s,
    against 0.03 to 0.09 s with the counts).
#}

{% macro snapshot_rows_to_build(snapshot, version_id_column, incremental) %}
    {#- A parenthesised query of `snapshot`'s rows, all of them in a full build; in an
        incremental one, those stamped after the mark, and those stamped at
        it that the model does not hold as they are (the same version, closed
        at the same time or still open). `version_id_column` is the model's
        column holding dbt_scd_id. The model passes its own is_incremental(). -#}
    {%- if incremental -%}
        {%- set mark = customer360.latest_mark(this, 'valid_from') -%}
        {%- set open_version_end = "cast('9999-12-31 00:00:00' as timestamp)" -%}
        (
            select *
            from {{ snapshot }} as versions
            where coalesce(versions.dbt_valid_to, versions.dbt_valid_from) > {{ mark }}

            union all

            select *
            from {{ snapshot }} as versions
            where
                coalesce(versions.dbt_valid_to, versions.dbt_valid_from) = {{ mark }}
                and exists (
                    select 1
                    from (
                        select
                            count(case when stamped.dbt_valid_from = {{ mark }} then 1 end) as begun_count,
                            count(case when stamped.dbt_valid_to = {{ mark }} then 1 end) as closed_count
                        from {{ snapshot }} as stamped
                    ) as recorded
                    cross join (
                        select
                            count(case when built.valid_from = {{ mark }} then 1 end) as begun_count,
                            count(case when built.valid_to = {{ mark }} then 1 end) as closed_count
                        from {{ this }} as built
                    ) as held
                    where
                        recorded.begun_count <> held.begun_count
                        or recorded.closed_count <> held.closed_count
                )
                and not exists (
                    select 1
                    from {{ this }} as built
                    where
                        built.{{ version_id_column }} = versions.dbt_scd_id
                        {#- two equalities, so that engines run this as a hash anti-join #}
                        and coalesce(built.valid_to, {{ open_version_end }})
                        = coalesce(versions.dbt_valid_to, {{ open_version_end }})
                        and coalesce(built.valid_to, built.valid_from) = {{ mark }}
                )
        )
    {%- else -%}
        (select * from {{ snapshot }})
    {%- endif -%}
{% endmacro %}
