{#
    fct_customer_category_affinities is built per customer, as
    fct_customer_channel_engagements is (macros/customers/engagements_by_customer.sql):
    every row stores `affinity_inputs_fingerprint`, one digest of everything
    the customer's rows are computed from:

    - the customer's order lines in fct_order_items, each with its order's
      version, which changes whenever the order, its lines or its customer
      do (macros/facts/orders_by_version.sql);
    - the customer's product views in the timeline (each view's id and
      product);
    - the product categories (dim_products) and the affinity vars.

    A daily build deletes the rows of the customers whose digest changed or
    who neither bought nor viewed anything any more, then computes the
    customers with lines or views that have no row: new and changed ones, and
    those whose lines and views all miss a category, which give no row and
    are computed again, to no effect, each time.
#}

{% macro affinity_rules_fingerprint() %}
    {#- One row: the digest of the product categories and the affinity vars,
        as text, for a query to cross join. -#}
    (
        select
            cast({{ customer360.md5_digest(dbt.concat([
                'categories.fingerprint',
                "'/" ~ var('affinity_purchase_weight') ~ '/' ~ var('affinity_view_weight')
                    ~ '/' ~ var('interest_group_min_affinity') ~ "'",
            ])) }} as {{ dbt.type_string() }}) as rules_fingerprint
        from (
            select {{ customer360.group_fingerprint(['product_id', 'category']) }} as fingerprint
            from {{ ref('dim_products') }}
        ) as categories
    )
{%- endmacro %}


{% macro affinity_inputs_fingerprints(customer_filter='true') %}
    {#- Each customer's affinity_inputs_fingerprint as it stands now, as a
        parenthesised query of customer_id and affinity_inputs_fingerprint,
        for the customers with order lines or product views passing
        `customer_filter` (a predicate on an unqualified customer_id column). -#}
    (
        select
            coalesce(customer_lines.customer_id, customer_views.customer_id) as customer_id,
            {{ customer360.md5_digest(dbt.concat([
                "coalesce(customer_lines.lines_fingerprint, '0:0')", "'/'",
                "coalesce(customer_views.views_fingerprint, '0:0')", "'/'",
                'rules.rules_fingerprint',
            ])) }} as affinity_inputs_fingerprint
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
        cross join {{ customer360.affinity_rules_fingerprint() }} as rules
    )
{%- endmacro %}
