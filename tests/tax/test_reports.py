"""The month's PPN (SPT Masa PPN figures) and the withholding summary, hand-computed from
tests/sales/analysis_data.py."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.parties.models import Party
from folio.tax.reports import (
    parse_month,
    ppn_dict,
    ppn_return,
    ppn_table,
    withholding_dict,
    withholding_summary,
    withholding_table,
)
from tests.sales.analysis_data import November, build_november
from tests.sales.conftest import client_co, studio  # noqa: F401  (fixtures)


@pytest.fixture
def november(session: Session, studio: Book, client_co: Party) -> November:  # noqa: F811
    return build_november(session, studio, client_co)


def test_the_ppn_return_adds_output_less_credit_notes_and_input(
        session: Session, november: November) -> None:
    data = ppn_dict(ppn_return(session, november.book, "2026-11"))
    assert data["month"] == "2026-11"
    assert data["output"]["codes"] == [
        {"code": "PPN12", "name": "PPN 12% (DPP 11/12)", "base": "4583333", "tax": "550000"},
        {"code": "PPN12-LUX", "name": "PPN 12% luxury goods", "base": "20000000",
         "tax": "2400000"}]
    assert data["output"]["tax"] == "2950000"
    assert data["output"]["base"] == "24583333"
    assert data["input"]["codes"] == [
        {"code": "PPN-IN", "name": "PPN masukan 12% (DPP 11/12)", "base": "3666666",
         "tax": "440000"}]
    assert data["net"] == "2510000"
    assert data["result"] == "payable"


def test_it_lists_each_document_with_its_number_and_the_partys_npwp(
        session: Session, november: November) -> None:
    data = ppn_dict(ppn_return(session, november.book, date(2026, 11, 18)))
    output = [(d["kind"], d["number"], d["party"], d["tax_id"], d["base"], d["tax"])
              for d in data["output"]["documents"]]
    assert output == [
        ("invoice", november.invoice.number, "PT Klien Maju", "0123456789012345", "9166666",
         "1100000"),
        ("invoice", november.laptop_invoice.number, "CV Beta", "", "20000000", "2400000"),
        ("credit_note", november.credit_note.number, "PT Klien Maju", "0123456789012345",
         "-4583333", "-550000")]
    inputs = [(d["kind"], d["reference"], d["party"], d["tax_id"], d["base"], d["tax"])
              for d in data["input"]["documents"]]
    assert inputs == [
        ("bill", "FP-010.000-26.00000001", "PT Vendor Kreatif", "0987654321098765", "2750000",
         "330000"),
        ("expense", "", "Toko Kamera", "", "916666", "110000")]


def test_a_month_with_more_input_than_output_is_overpaid(session: Session,
                                                         november: November) -> None:
    october = ppn_return(session, november.book, "2026-10")
    assert october.output_tax == 770_000  # 7.000.000 x 11%
    assert october.net == 770_000
    december = ppn_dict(ppn_return(session, november.book, "2026-12"))
    assert december["net"] == "0"
    assert december["result"] == "nil"
    header, rows = ppn_table(ppn_return(session, november.book, "2026-11"))
    assert header[-2:] == ["base", "tax"]
    assert rows[-1] == ["net", "", "", "", "", "payable", "", "", "", "2510000"]


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "26-11", "november", "", "2026-1"])
def test_a_bad_month_is_refused_naming_the_field(month: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_month(month)
    assert caught.value.errors[0]["field"] == "month"


def test_withholding_shows_prepaid_tax_per_customer_and_month_and_ours_per_vendor(
        session: Session, november: November) -> None:
    report = withholding_summary(session, november.book, date(2026, 11, 1),
                                 date(2026, 11, 30))
    data = withholding_dict(report)
    customers = data["withheld_by_customers"]
    assert customers["total"] == "100000"
    assert customers["by_party_and_month"] == [
        {"month": "2026-11", "party_id": november.klien.id, "party": "PT Klien Maju",
         "tax_id": "0123456789012345", "documents": 1, "amount": "100000"}]
    [document] = customers["documents"]
    assert document["reference"] == "BP-0001"
    assert document["codes"] == "PPH23"
    assert document["invoices"] == november.invoice.number
    assert document["number"] == "TRF 25/11"
    ours = data["withheld_by_us"]
    assert ours["total"] == "60000"  # 2% of the bill's 3.000.000
    assert ours["by_party_and_month"][0]["party"] == "PT Vendor Kreatif"
    _header, rows = withholding_table(report)
    assert rows[-1] == ["withheld_by_us", "", "", "", "", "Total", "", "", "60000"]


def test_withholding_outside_the_period_is_left_out(session: Session,
                                                    november: November) -> None:
    data = withholding_dict(withholding_summary(session, november.book, date(2026, 12, 1),
                                                date(2026, 12, 31)))
    assert data["withheld_by_customers"]["documents"] == []
    assert data["withheld_by_us"]["total"] == "0"
