{#
    fct_customer_category_affinities is built per customer, as
    fct_customer_channel_engagements is (macros/customers/engagements_by_customer.sql):
    every row stores `affinity_inputs_fingerprint`, one digest of the
    customer's inputs the rows are computed from:

    - the customer's order lines in fct_order_items, each with its order's
      version, which changes whenever the order, its lines or its customer
      do (macros/facts/orders_by_version.sql);
    - the customer's product views in the timeline (each view's id and
      product);

    and `affinity_rules_fingerprint`, the digest of the product categories
    (dim_products) and the affinity vars. A daily build deletes the rows of
    the customers whose digests changed or who neither bought nor viewed
    anything any more, then computes the customers with lines or views that
    have no row: new and changed ones, and those whose lines and views all
    miss a category, which give no row and are computed again, to no effect,
    each time. It compares only the customers whose lines or views
    fct_order_items and fct_customer_interactions wrote or deleted since its
    last build (affinity_inputs_changed_since_built), whenever both deletion
    logs cover that time and the rules stand.
#}

{% macro affinity_rules_fingerprint() %}
    {#- The digest of the product categories and the affinity vars, as a
        scalar subquery. -#}
    (
        select
            {{ customer360.md5_digest(dbt.concat([
                'categories.fingerprint',
                "'/" ~ var('affinity_purchase_weight') ~ '/' ~ var('affinity_view_weight')
                    ~ '/' ~ var('interest_group_min_affinity') ~ "'",
            ])) }}
        from (
            select {{ customer360.group_fingerprint(['product_id', 'category']) }} as fingerprint
            from {{ ref('dim_products') }}
        ) as categories
    )
{%- endmacro %}


{% macro affinity_inputs_fingerprints(customer_filter='true') %}
    {#- Each customer's affinity_inputs_fingerprint and
        affinity_rules_fingerprint as they stand now, as a parenthesised
        query with customer_id, for the customers with order lines or product
        views passing `customer_filter` (a predicate on an unqualified
        customer_id column). -#}
    (
        select
            coalesce(customer_lines.customer_id, customer_views.customer_id) as customer_id,
            {{ customer360.md5_digest(dbt.concat([
                "coalesce(customer_lines.lines_fingerprint, '0:0')", "'/'",
                "coalesce(customer_views.views_fingerprint, '0:0')",
            ])) }} as affinity_inputs_fingerprint,
            {{ customer360.affinity_rules_fingerprint() }} as affinity_rules_fingerprint
        from (
            select
                customer_id,
                {{ customer360.group_fingerprint(['order_item_id', 'order_version']) }} as lines_fingerprint
            from {{ ref('fct_order_items') }}
            where
                customer_id is not null
                and {{ customer_filter }}
            group by customer_id
        ) as customer_lines
        full outer join (
            select
                customer_id,
                {{ customer360.group_fingerprint(['interaction_id', 'product_id']) }} as views_fingerprint
            from {{ ref('fct_customer_interactions') }}
            where
                interaction_type = 'product_view'
                and customer_id is not null
                and {{ customer_filter }}
            group by customer_id
        ) as customer_views
            on customer_lines.customer_id = customer_views.customer_id
    )
{%- endmacro %}


{% macro affinity_inputs_changed_since_built() %}
    {#- The changes (macros/incremental/changes_since_built.sql) for
        fct_customer_category_affinities' pre-hook: the customers whose order
        lines fct_order_items wrote or deleted, and whose product views
        fct_customer_interactions wrote or deleted, since the model last
        wrote (both log the customer of the rows they delete). Complete while
        both logs cover that time and the rules stand. -#}
    {%- set order_items = ref('fct_order_items') -%}
    {%- set interactions = ref('fct_customer_interactions') -%}
    {%- set since = customer360.latest_stamp(this, 'built_at') -%}
    {%- set changed_customers -%}
        {{ customer360.written_or_deleted_since(order_items, ['customer_id'], since, row_filter='customer_id is not null') }}
        union
        {{ customer360.written_or_deleted_since(
            interactions, ['customer_id'], since, 'customer_resolved_at',
            "interaction_type = 'product_view' and customer_id is not null",
        ) }}
    {%- endset -%}
    {{ return({
        'keys': changed_customers,
        'versions': customer360.affinity_inputs_fingerprints(customer360.is_changed_key(['customer_id'])),
        'complete': customer360.deletion_logs_cover([order_items, interactions], since) ~ ' and '
            ~ customer360.fingerprint_stands('affinity_rules_fingerprint', customer360.affinity_rules_fingerprint()),
    }) }}
{%- endmacro %}
