"""sql.design.normalized's judgement on catalog rows (no database needed)."""

from __future__ import annotations

from harness.validators.sql.design import copies, lists, repeated_groups


def test_a_copy_of_a_patients_or_rooms_fact_in_appointments_is_named() -> None:
    assert copies(["id", "patient_id", "room_id", "starts_at", "ends_at", "note"]) == []
    assert copies(["id", "room_name", "email"]) == ['appointments."room_name" copies rooms.name',
                                                    'appointments."email" copies patients.email']


def test_numbered_columns_are_a_repeated_group_and_one_numbered_column_is_not() -> None:
    assert repeated_groups([("patients", "phone1"), ("patients", "phone_2"), ("rooms", "floor2")]) == [
        "patients: 'phone1', 'phone_2' repeat one column"]
    assert repeated_groups([("patients", "address_line1"), ("rooms", "address_line2")]) == []
    # The lines of a postal address are numbered by nature, not a list.
    assert repeated_groups([("patients", "address_line1"), ("patients", "address_line2"),
                            ("patients", "address1"), ("patients", "address2")]) == []


def test_an_array_column_is_a_list() -> None:
    assert lists([("patients", "phones", "text[]"), ("patients", "born", "date")]) == [
        'patients."phones" is text[], a list in one column']
