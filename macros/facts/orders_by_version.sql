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


{% macro order_versions() %}
    {#- Every order's version as it stands now, as a parenthesised query of
        order_id and order_version: what fct_orders' pre-hook compares with. -#}
    (
        select
            orders.order_id,
            {{ customer360.order_version(
                'orders', 'order_lines.lines_fingerprint', 'order_customers.customer_id', 'rates.rates_fingerprint'
            ) }} as order_version
        from {{ ref('stg_shop__orders') }} as orders
        left outer join (
            select
                lines.order_id,
                {{ customer360.order_lines_fingerprint('lines') }} as lines_fingerprint
            from {{ ref('stg_shop__order_items') }} as lines
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
