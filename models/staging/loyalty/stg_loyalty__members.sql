with

base_members as (

    select * from {{ ref('base_loyalty__members') }}

),

final as (

    select
        member_id,
        card_number,
        email,
        email_as_given,
        phone,
        phone_extension,
        first_name,
        last_name,
        postal_code,
        country_code,
        tier,
        points_balance,
        version_count,
        has_invalid_card_number,
        is_email_placeholder,
        has_invalid_email,
        is_phone_placeholder,
        has_invalid_phone,
        has_unknown_country,
        has_invalid_points_balance,
        has_invalid_birth_date,
        birth_date,
        enrolled_at,
        updated_at,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_members
    where is_current_version

)

select * from final
