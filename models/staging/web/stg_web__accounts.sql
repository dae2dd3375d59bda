with

base_accounts as (

    select * from {{ ref('base_web__accounts') }}

),

final as (

    select
        account_id,
        email,
        email_as_given,
        phone,
        phone_extension,
        first_name,
        last_name,
        gender,
        street_address,
        city,
        postal_code,
        country_code,
        preferred_language,
        version_count,
        is_email_placeholder,
        has_invalid_email,
        is_phone_placeholder,
        has_invalid_phone,
        has_unknown_country,
        has_invalid_birth_date,
        has_marketing_opt_in,
        birth_date,
        created_at,
        updated_at,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_accounts
    where is_current_version

)

select * from final
