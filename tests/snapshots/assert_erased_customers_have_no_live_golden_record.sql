{#
    Once an erasure is known, the customer's golden record history must end:
    its current version is a deletion, so no current view shows the person.
#}

with

erased_customers as (

    select customer_id
    from {{ ref('dim_customer_consents_history') }}
    where is_current and is_erased

),

live_customer_versions as (

    select customer_id, customer_version_id
    from {{ ref('dim_customers_history') }}
    where is_current and not is_deleted

),

final as (

    select
        live_customer_versions.customer_id,
        live_customer_versions.customer_version_id
    from live_customer_versions
    inner join erased_customers
        on live_customer_versions.customer_id = erased_customers.customer_id

)

select * from final
