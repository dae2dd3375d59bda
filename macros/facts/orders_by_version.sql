{#
    fct_orders and fct_order_items are built by version (the pattern of
    macros/incremental/rows_by_version.sql): every row stores the
    `order_version` of its order, one digest of everything an order's rows
    are computed from:

    - the delivery of the order's current staging row (`_batch_id`,
      `_loaded_at`): a new version, a re-delivered or a retracted batch;
    - a fingerprint of its current lines (each line's id and delivery): a line
      added, changed, released from quarantine or gone;
    - its customer in the bridge: a merge, a split, a record no longer
      naming anyone;
    - the exchange rates seed and the reporting currency.

    A daily build deletes the rows whose order's version changed or whose
    order is gone, then computes the orders (and their lines) that have no
    row. fct_order_items compares with the versions fct_orders holds, so it
    rewrites the lines of exactly the orders fct_orders rewrote.

    Both compare only the orders their inputs changed since their last build
    (macros/incremental/changes_since_built.sql): fct_orders the orders whose
    staging row, lines or customer (the bridge) were written or deleted
    since, from the write stamps and deletion logs of base_shop__orders,
    base_shop__order_items and bridge_customer_source_records, while the
    rates and reporting currency stand (`order_rules_fingerprint`);
    fct_order_items the orders fct_orders wrote or deleted since.
#}

{% macro exchange_rate_seeds() %}
    {#- The seed the reporting amounts are converted with, and its columns. -#}
    {{ return({'exchange_rates': ['currency_code', 'reporting_currency_code', 'valid_from', 'valid_to', 'exchange_rate']}) }}
{% endmacro %}


{% macro order_lines_fingerprint(lines_alias=none) %}
    {#- Aggregate over an order's current lines (grouped by order): changes
        when a line is added, re-delivered or goes. The columns are qualified
        with lines_alias when one is given. -#}
    {%- set prefix = lines_alias ~ '.' if lines_alias else '' -%}
    {{ customer360.group_fingerprint([prefix ~ 'order_item_id', prefix ~ '_batch_id', prefix ~ '_loaded_at']) }}
{%- endmacro %}


{% macro exchange_rates_version() %}
    {#- One row: the exchange rates' fingerprint as text, for a query to cross
        join. Text once here, for row_fingerprint casts each part to text on
        every row, and DuckDB turns a large 128-bit unsigned number into text
        slowly (about 20 microseconds: 36 s over 1.7 M orders, against 1 s). -#}
    (
        select
            cast({{ customer360.seeds_fingerprint(customer360.exchange_rate_seeds()) }} as {{ dbt.type_string() }})
                as rates_fingerprint
    )
{%- endmacro %}


{% macro order_version(orders_alias, lines_fingerprint, customer_id, rates_fingerprint) %}
    {#- The version of an order's rows, from the order's staging row (aliased
        `orders_alias`), its lines' fingerprint and its customer (expressions;
        null when the order has no line or names nobody) and the rates'
        fingerprint (a column of exchange_rates_version()). -#}
    {{ customer360.row_fingerprint([
        orders_alias ~ '._batch_id',
        orders_alias ~ '._loaded_at',
        lines_fingerprint,
        customer_id,
        rates_fingerprint,
        "'" ~ var('reporting_currency') ~ "'",
    ]) }}
{%- endmacro %}


{% macro order_rules_fingerprint() %}
    {#- The digest of the exchange rates seed and the reporting currency, as a
        scalar subquery: what every order's version is computed under, stored
        apart so that a daily build knows whether they changed. -#}
    (
        select {{ customer360.md5_digest(dbt.concat(['rates.rates_fingerprint', "'/" ~ var('reporting_currency') ~ "'"])) }}
        from {{ customer360.exchange_rates_version() }} as rates
    )
{%- endmacro %}


{% macro order_versions(order_filter='true') %}
    {#- Every order's version as it stands now, as a parenthesised query of
        order_id, order_version and order_rules_fingerprint: what fct_orders'
        pre-hook compares with. `order_filter`: a predicate on an unqualified
        order_id. -#}
    (
        select
            orders.order_id,
            {{ customer360.order_version(
                'orders', 'order_lines.lines_fingerprint', 'order_customers.customer_id', 'rates.rates_fingerprint'
            ) }} as order_version,
            {{ customer360.order_rules_fingerprint() }} as order_rules_fingerprint
        from (
            select * from {{ ref('stg_shop__orders') }}
            where {{ order_filter }}
        ) as orders
        left outer join (
            select
                lines.order_id,
                {{ customer360.order_lines_fingerprint('lines') }} as lines_fingerprint
            from {{ ref('stg_shop__order_items') }} as lines
            where {{ order_filter }}
            group by lines.order_id
        ) as order_lines
            on orders.order_id = order_lines.order_id
        left outer join {{ ref('bridge_customer_source_records') }} as order_customers
            on
                order_customers.source_table = 'shop_orders'
                and orders.order_id = order_customers.source_record_id
        cross join {{ customer360.exchange_rates_version() }} as rates
    )
{%- endmacro %}


{% macro orders_changed_since_built() %}
    {#- The changes (macros/incremental/changes_since_built.sql) for
        fct_orders' pre-hook: the orders whose staging row or lines the base
        models wrote or deleted since fct_orders last wrote, and those whose
        bridge row was written or deleted since (a customer gained, changed
        or lost). Complete while the three deletion logs cover that time and
        the rates and reporting currency stand. -#}
    {%- set orders = ref('base_shop__orders') -%}
    {%- set lines = ref('base_shop__order_items') -%}
    {%- set bridge = ref('bridge_customer_source_records') -%}
    {%- set record_key_prefix = 'shop_orders:' -%}
    {%- set since = customer360.latest_stamp(this, 'built_at') -%}
    {%- set changed_orders -%}
        {{ customer360.written_or_deleted_since(orders, ['order_id'], since, row_filter='order_id is not null') }}
        union
        {{ customer360.written_or_deleted_since(lines, ['order_id'], since, row_filter='order_id is not null') }}
        union
        select source_record_id as order_id
        from {{ bridge }}
        where built_at > {{ since }} and source_table = 'shop_orders'
        union
        {# a record key is `source_table:record id` #}
        select substr(record_key, {{ record_key_prefix | length + 1 }}) as order_id
        from ({{ customer360.deletions_since(bridge, ['record_key'], since) }}) as deleted_records
        where record_key like '{{ record_key_prefix }}%'
    {%- endset -%}
    {{ return({
        'keys': changed_orders,
        'versions': customer360.order_versions(customer360.is_changed_key(['order_id'])),
        'complete': customer360.deletion_logs_cover([orders, lines, bridge], since) ~ ' and '
            ~ customer360.fingerprint_stands('order_rules_fingerprint', customer360.order_rules_fingerprint()),
    }) }}
{%- endmacro %}


{% macro order_lines_changed_since_built() %}
    {#- The changes (macros/incremental/changes_since_built.sql) for
        fct_order_items' pre-hook: the orders fct_orders wrote or deleted
        since fct_order_items last wrote. Complete while fct_orders' deletion
        log covers that time. -#}
    {%- set orders = ref('fct_orders') -%}
    {%- set since = customer360.latest_stamp(this, 'built_at') -%}
    {{ return({
        'keys': customer360.written_or_deleted_since(orders, ['order_id'], since),
        'versions': '(select order_id, order_version from ' ~ orders ~ ' where '
            ~ customer360.is_changed_key(['order_id']) ~ ')',
        'complete': customer360.deletion_log_covers(orders, since),
    }) }}
{%- endmacro %}
