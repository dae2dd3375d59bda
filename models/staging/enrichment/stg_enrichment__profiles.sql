with

base_profiles as (

    select * from {{ ref('base_enrichment__profiles') }}

),

final as (

    select
        profile_id,
        email,
        email_as_given,
        email_sha256,
        full_name,
        gender,
        age_band,
        income_band,
        occupation,
        interests,
        city,
        postal_code,
        country_code,
        provider,
        version_count,
        is_email_placeholder,
        has_invalid_email,
        has_invalid_email_sha256,
        has_unknown_country,
        refreshed_at,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_profiles
    where is_current_version

)

select * from final
