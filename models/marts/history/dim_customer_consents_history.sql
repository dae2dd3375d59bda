{#
    Every version of every customer's consent state (per purpose) and
    erasure, one row per version, read from snp_customer_consents. State at an
    instant: customer_state_as_of() or scd2_as_of().
#}

with

consent_snapshots as (

    select * from {{ ref('snp_customer_consents') }}

),

final as (

    select
        dbt_scd_id as customer_consent_version_id,
        customer_id,
        marketing_consent_request_id,
        analytics_consent_request_id,
        profiling_consent_request_id,
        erasure_request_id,
        marketing_consent_status,
        analytics_consent_status,
        profiling_consent_status,
        is_erased,
        coalesce(dbt_is_deleted = 'True', false) as is_deleted,
        dbt_valid_to is null as is_current,
        marketing_consent_effective_at,
        analytics_consent_effective_at,
        profiling_consent_effective_at,
        erased_at,
        dbt_valid_from as valid_from,
        dbt_valid_to as valid_to
    from consent_snapshots

)

select * from final
