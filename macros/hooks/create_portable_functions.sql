{#
    on-run-start hook (see dbt_project.yml). Renders the SQL that dbt runs before
    every invocation; an empty string means there is nothing to do.
#}
{% macro create_portable_functions() -%}
    {{ return(adapter.dispatch('create_portable_functions', 'customer360')()) }}
{%- endmacro %}

{# DuckDB and Spark have try_cast built in. #}
{% macro default__create_portable_functions() -%}
    {{ return('') }}
{%- endmacro %}

{#
    DuckDB's levenshtein counts bytes ('李娜' vs '李那' gives 3), which is
    right only when both texts are ASCII. Otherwise the two-row dynamic
    programme runs in list lambdas, each outer step folding one character of
    the left text into the previous row. A macro keeps the lambdas out of the
    models' SQL, which sqlfluff's DuckDB dialect cannot parse; DuckDB expands
    it inline, so it costs no more than writing it out.
#}
{% macro duckdb__create_portable_functions() -%}
{%- set schema = customer360.portable_functions_schema() -%}
create schema if not exists {{ schema }};

create or replace macro {{ schema }}.c360_levenshtein(left_text, right_text) as
    case
        when strlen(left_text) = length(left_text) and strlen(right_text) = length(right_text)
            then levenshtein(left_text, right_text)
        else list_reduce(
            range(1, length(left_text) + 1),
            lambda previous_row, left_index: list_reduce(
                range(1, length(right_text) + 1),
                lambda current_row, right_index: list_append(
                    current_row,
                    least(
                        previous_row[right_index + 1] + 1,
                        current_row[-1] + 1,
                        previous_row[right_index]
                        + cast(substr(left_text, left_index, 1) <> substr(right_text, right_index, 1) as integer)
                    )
                ),
                [left_index]
            ),
            range(0, length(right_text) + 1)
        )[-1]
    end;
{%- endmacro %}

{#
    PostgreSQL 15 has no try_cast, and an exception handler costs a
    subtransaction per call. These functions check the text against the same
    patterns as the other engines (cast_input_pattern) and then validate ranges
    with arithmetic, so well-formed and malformed input alike take the cheap
    path; only doubles near the limits of the type fall back to a handler.
    Being immutable and strict, they can be used in indexes and skip nulls.

    Concurrent dbt invocations would race on "create or replace" ("tuple
    concurrently updated"): a transaction-scoped advisory lock serialises them.
#}
{% macro postgres__create_portable_functions() -%}
{%- set schema = customer360.portable_functions_schema() -%}
begin;

select pg_advisory_xact_lock(hashtext('customer360.create_portable_functions'));

create schema if not exists {{ schema }};

create or replace function {{ schema }}.c360_try_cast_integer(value text)
returns integer
language plpgsql immutable strict parallel safe
as $function$
declare
    candidate text := trim(value);
begin
    if candidate ~ '{{ customer360.cast_input_pattern("integer") }}' then
        {# numeric holds any digit string, so the range test cannot raise #}
        if candidate::numeric between -2147483648 and 2147483647 then
            return candidate::integer;
        end if;
    end if;
    return null;
end;
$function$;

create or replace function {{ schema }}.c360_try_cast_bigint(value text)
returns bigint
language plpgsql immutable strict parallel safe
as $function$
declare
    candidate text := trim(value);
begin
    if candidate ~ '{{ customer360.cast_input_pattern("bigint") }}' then
        if candidate::numeric between -9223372036854775808 and 9223372036854775807 then
            return candidate::bigint;
        end if;
    end if;
    return null;
end;
$function$;

create or replace function {{ schema }}.c360_try_cast_double(value text)
returns double precision
language plpgsql immutable strict parallel safe
as $function$
declare
    candidate text := trim(value);
    parsed numeric;
begin
    if candidate !~ '{{ customer360.cast_input_pattern("double") }}' then
        return null;
    end if;
    parsed := candidate::numeric;
    if parsed = 0 or abs(parsed) between 1e-307 and 1e308 then
        return candidate::double precision;
    end if;
    {# overflow or subnormal: rare enough for the exception path #}
    begin
        return candidate::double precision;
    exception
        when numeric_value_out_of_range then
            return null;
    end;
end;
$function$;

create or replace function {{ schema }}.c360_try_cast_decimal(value text, numeric_precision integer, numeric_scale integer)
returns numeric
language plpgsql immutable strict parallel safe
as $function$
declare
    candidate text := trim(value);
    rounded numeric;
begin
    if candidate !~ '{{ customer360.cast_input_pattern("decimal") }}' then
        return null;
    end if;
    {# round as the cast to numeric(p, s) would, then check it still fits #}
    rounded := round(candidate::numeric, numeric_scale);
    if abs(rounded) >= power(10::numeric, numeric_precision - numeric_scale) then
        return null;
    end if;
    return rounded;
end;
$function$;

create or replace function {{ schema }}.c360_try_cast_date(value text)
returns date
language plpgsql immutable strict parallel safe
as $function$
declare
    candidate text := trim(value);
    year_number integer;
    month_number integer;
    day_number integer;
begin
    if candidate !~ '{{ customer360.cast_input_pattern("date") }}' then
        return null;
    end if;
    year_number := substr(candidate, 1, 4)::integer;
    month_number := substr(candidate, 6, 2)::integer;
    day_number := substr(candidate, 9, 2)::integer;
    if month_number not between 1 and 12 or day_number < 1 then
        return null;
    end if;
    {# last day of the month, leap years included #}
    if day_number > extract(day from make_date(year_number, month_number, 1) + interval '1 month' - interval '1 day') then
        return null;
    end if;
    return make_date(year_number, month_number, day_number);
end;
$function$;

create or replace function {{ schema }}.c360_try_cast_timestamp(value text)
returns timestamp
language plpgsql immutable strict parallel safe
as $function$
declare
    candidate text := trim(value);
    date_value date;
begin
    if candidate !~ '{{ customer360.cast_input_pattern("timestamp") }}' then
        return null;
    end if;
    date_value := {{ schema }}.c360_try_cast_date(substr(candidate, 1, 10));
    if date_value is null then
        return null;
    end if;
    {# hours, minutes, seconds and fraction are range-checked by the pattern; add them as microseconds #}
    return date_value + (
        coalesce(nullif(substr(candidate, 12, 2), '')::bigint, 0) * 3600000000
        + coalesce(nullif(substr(candidate, 15, 2), '')::bigint, 0) * 60000000
        + coalesce(nullif(substr(candidate, 18, 2), '')::bigint, 0) * 1000000
        + rpad(substr(candidate, 21), 6, '0')::bigint
    ) * interval '1 microsecond';
end;
$function$;

{#
    Edit distance in characters (not bytes), for name_similarity. The
    fuzzystrmatch extension is not on every server, needs the right to create
    extensions and raises an error above 255 characters; this has no limit.
    Two rows of the classic dynamic programme, after an equality shortcut.
#}
create or replace function {{ schema }}.c360_levenshtein(left_text text, right_text text)
returns integer
language plpgsql immutable strict parallel safe
as $function$
declare
    left_characters text[] := string_to_array(left_text, null);
    right_characters text[] := string_to_array(right_text, null);
    left_length integer := coalesce(array_length(left_characters, 1), 0);
    right_length integer := coalesce(array_length(right_characters, 1), 0);
    left_character text;
    previous_row integer[];
    current_row integer[];
begin
    if left_text = right_text then
        return 0;
    end if;
    if left_length = 0 or right_length = 0 then
        return greatest(left_length, right_length);
    end if;
    {# element k + 1 of a row holds the distance to the first k characters of right_text #}
    previous_row := array(select generate_series(0, right_length));
    current_row := previous_row;
    for left_index in 1..left_length loop
        left_character := left_characters[left_index];
        current_row[1] := left_index;
        for right_index in 1..right_length loop
            current_row[right_index + 1] := least(
                previous_row[right_index + 1] + 1,
                current_row[right_index] + 1,
                previous_row[right_index] + case when left_character = right_characters[right_index] then 0 else 1 end
            );
        end loop;
        previous_row := current_row;
    end loop;
    return previous_row[right_length + 1];
end;
$function$;

commit;
{%- endmacro %}


{# Where the helper functions live: the target schema, which the hook creates if needed. #}
{% macro portable_functions_schema() -%}
    {{ return(target.schema) }}
{%- endmacro %}
