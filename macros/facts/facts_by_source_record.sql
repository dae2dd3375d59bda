{#
    A fact built by source record: a daily build rewrites only the rows of
    the source records that a new delivery or a new customer assignment can
    change, and keeps every other row. See docs/pipeline.md, "Facts built by
    source record".

    Every such fact stores, on each row, the delivery its source row came in
    (`delivered_batch_id`, `delivered_at`: the staging row's `_batch_id` and
    `_loaded_at`) and when its customer was resolved (`customer_resolved_at`,
    the run that wrote it). Both marks are read back from the fact itself, so
    a build that failed or never ran is caught up by the next one: nothing
    records "done" apart from the rows.
#}

{% macro latest_mark(fact, column) %}
    {#- The latest value of a mark column in `fact`, as a scalar subquery (so
        that a filter on it applies while reading, before any join); before
        every possible mark when the fact is empty. -#}
    (
        select coalesce(max(built.{{ column }}), cast('0001-01-01 00:00:00' as timestamp))
        from {{ fact }} as built
    )
{%- endmacro %}


{% macro replaced_deliveries(fact, delivery_sources) %}
    {#- The deliveries `fact`'s rows were built from that no longer stand as
        they were: delivered again since (the loader stamps a re-delivered
        batch with a newer _loaded_at) or no longer holding a current row.
        `delivery_sources` lists dicts with `source_table` and `relation`: the
        relation holds the delivered rows of that source table with
        `_batch_id` and `_loaded_at` (see interaction_deliveries()). -#}
    (
        select
            built_deliveries.source_table,
            built_deliveries.delivered_batch_id,
            built_deliveries.delivered_at
        from (
            select distinct
                source_table,
                delivered_batch_id,
                delivered_at
            from {{ fact }}
        ) as built_deliveries
        left outer join (
            {%- for delivery_source in delivery_sources %}
            select
                '{{ delivery_source.source_table }}' as source_table,
                _batch_id as delivered_batch_id,
                max(_loaded_at) as delivered_at
            from {{ delivery_source.relation }}
            group by _batch_id
            {% if not loop.last %}union all{% endif %}
            {%- endfor %}
        ) as standing_deliveries
            on
                built_deliveries.source_table = standing_deliveries.source_table
                and built_deliveries.delivered_batch_id = standing_deliveries.delivered_batch_id
                and built_deliveries.delivered_at = standing_deliveries.delivered_at
        where standing_deliveries.source_table is null
    )
{%- endmacro %}


{% macro records_delivered_since_built(fact, delivery_sources) %}
    {#- The source records (`source_table`, `source_record_id`) whose rows
        `fact` rewrites for their deliveries, as a parenthesised query: those
        with a row loaded after the latest delivery the fact holds, and those
        it built from a delivery replaced since (their current row may now be
        another version, or none). -#}
    (
        {%- for delivery_source in delivery_sources %}
        select
            '{{ delivery_source.source_table }}' as source_table,
            deliveries.{{ delivery_source.record_id }} as source_record_id
        from {{ delivery_source.relation }} as deliveries
        where deliveries._loaded_at > {{ customer360.latest_mark(fact, 'delivered_at') }}
        union all
        {%- endfor %}
        select
            built.source_table,
            built.source_record_id
        from {{ fact }} as built
        inner join {{ customer360.replaced_deliveries(fact, delivery_sources) }} as replaced
            on
                built.source_table = replaced.source_table
                and built.delivered_batch_id = replaced.delivered_batch_id
                and built.delivered_at = replaced.delivered_at
    )
{%- endmacro %}


{% macro delete_rows_of_replaced_deliveries(delivery_sources) %}
    {#- Post-hook: after the rewrite, rows still carrying a replaced delivery
        belong to source records that no current delivery holds any more; they
        go, to the model's deletion log first when it keeps one
        (`meta.deletion_log_columns`). In a full build it renders nothing, and
        so it does on a day no delivery was replaced (most), found by one
        query first: the log and the delete would each reduce every row of
        the fact to its delivery again (1,000,000 customers: 1.8 s for the two
        on a day with nothing replaced, against 0.3 s for the query). -#}
    {%- if is_incremental() and execute and customer360.has_rows(customer360.replaced_deliveries(this, delivery_sources)) -%}
        {%- set of_replaced_delivery -%}
        exists (
            select 1
            from {{ customer360.replaced_deliveries(this, delivery_sources) }} as replaced
            where
                replaced.source_table = {{ this }}.source_table
                and replaced.delivered_batch_id = {{ this }}.delivered_batch_id
                and replaced.delivered_at = {{ this }}.delivered_at
        )
        {%- endset -%}
        {{ customer360.delete_logged(of_replaced_delivery) }}
    {%- endif -%}
{% endmacro %}


{% macro is_source_record_to_build(source_table, key_column, incremental) %}
    {#- A predicate on `key_column`: true for every row in a full build; in an
        incremental one, true for the records of `source_table` listed in the
        model's `records_to_build` CTE. The model passes its own
        is_incremental(), which its unit tests can override. -#}
    {%- if incremental -%}
        {{ key_column }} in (
            select records_to_build.source_record_id
            from records_to_build
            where records_to_build.source_table = '{{ source_table }}'
        )
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}


{% macro has_rows(query) %}
    {#- Whether a parenthesised query returns any row, asked when a hook is
        rendered (inside its model's transaction); the first row answers. -#}
    {%- set result = run_query('select 1 as found from ' ~ query ~ ' as rows_found limit 1') -%}
    {{- return(result.rows | length > 0) -}}
{% endmacro %}
