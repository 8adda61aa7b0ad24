import io
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from safeguarding import services
from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent, PostcodeImdDecile
from safeguarding.selectors import imd_decile_for_postcode
from safeguarding.services import ImdImportError, imd_deciles_import

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "Postcode,LSOA code,IMD_Decile\n"
    "ls1 4ap,E01033010,3\n"
    "EC1A1BB,E01000001,8\n"
    "m1 1aa,E01005066, 1 \n"
)


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def deciles() -> dict[str, int]:
    return dict(PostcodeImdDecile.objects.values_list("postcode", "decile"))


def test_import_normalises_postcodes_and_ignores_other_columns(make_user):
    admin = make_user(Role.ADMINISTRATOR)

    result = imd_deciles_import(file=csv_file(GOOD_CSV), by=admin, source="IoD2019 via NSPL")

    assert result == services.ImdImportResult(rows=3, created=3, updated=0)
    assert deciles() == {"LS1 4AP": 3, "EC1A 1BB": 8, "M1 1AA": 1}
    assert set(PostcodeImdDecile.objects.values_list("source", flat=True)) == {"IoD2019 via NSPL"}
    event = AuditEvent.objects.get(message="IMD deciles imported")
    assert event.action == AuditAction.CREATE
    assert event.actor == admin
    assert event.changes["rows"] == 3


def test_import_reads_a_text_file_with_a_byte_order_mark():
    result = imd_deciles_import(file=StringIO("\ufeff" + GOOD_CSV.lstrip()), by=None)
    assert result.rows == 3


def test_one_bad_row_imports_nothing_and_names_the_row_and_column(make_user):
    imd_deciles_import(file=csv_file("postcode,imd_decile\nLS1 4AP,3\n"), by=None)
    rows = ["postcode,imd_decile", "LS1 4AP,5"] + [f"M{n} 1AA,{n}" for n in range(1, 5)]
    rows.append("B33 8TH,11")  # row 7 in a spreadsheet: the header is row 1

    with pytest.raises(ImdImportError) as refused:
        imd_deciles_import(file=csv_file("\n".join(rows)), by=make_user(Role.ADMINISTRATOR))

    assert refused.value.errors == ["Row 7, column imd_decile: enter a whole number from 1 to 10"]
    assert deciles() == {"LS1 4AP": 3}
    assert AuditEvent.objects.filter(message="IMD deciles imported").count() == 1  # the first


def test_every_problem_is_listed():
    text = "postcode,imd_decile\nLS1 4AP,3\n,4\nNOT A POSTCODE,2.5\nls14ap,\nM1 1AA\n\nB33 8TH,0\n"
    with pytest.raises(ImdImportError) as refused:
        imd_deciles_import(file=csv_file(text), by=None)

    assert refused.value.errors == [
        "Row 3, column postcode: enter a postcode",
        "Row 4, column postcode: enter a full UK postcode, like LS1 4AP (found “NOT A POSTCODE”)",
        "Row 4, column imd_decile: enter a whole number from 1 to 10",
        "Row 5, column postcode: LS1 4AP is in the file more than once",
        "Row 5, column imd_decile: enter a whole number from 1 to 10",
        "Row 6, column imd_decile: enter a whole number from 1 to 10",
        "Row 8, column imd_decile: enter a whole number from 1 to 10",
    ]
    assert refused.value.total == 7
    assert not PostcodeImdDecile.objects.exists()


def test_a_file_wrong_throughout_lists_the_first_hundred_problems():
    text = "postcode,imd_decile\n" + "".join(f"M{n // 10 + 1} {n % 10}AA,x\n" for n in range(250))
    with pytest.raises(ImdImportError) as refused:
        imd_deciles_import(file=csv_file(text), by=None)
    assert len(refused.value.errors) == services.IMD_ERRORS_SHOWN
    assert refused.value.total == 250


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"postcode,decile\nLS1 4AP,3\n", "Row 1: the header row needs a column named imd_decile"),
        (b"", "Row 1: the header row needs a column named postcode"),
        (b"postcode,imd_decile\n", "The file has no rows after the header row"),
        (b"postcode,imd_decile\nLS1 4AP,3\nS\xe9te 1AA,3\n", "saved as UTF-8"),
    ],
)
def test_a_file_that_is_not_a_lookup_is_refused(content, error):
    with pytest.raises(ImdImportError) as refused:
        imd_deciles_import(file=io.BytesIO(content), by=None)
    assert error in refused.value.errors[0]
    assert not PostcodeImdDecile.objects.exists()


def test_importing_again_replaces_deciles_and_adds_new_postcodes():
    imd_deciles_import(file=csv_file(GOOD_CSV), by=None, source="IoD2015")

    result = imd_deciles_import(
        file=csv_file("postcode,imd_decile\nLS1 4AP,4\nDN55 1PT,10\n"), by=None, source="IoD2019"
    )

    assert result == services.ImdImportResult(rows=2, created=1, updated=1)
    assert deciles() == {"LS1 4AP": 4, "EC1A 1BB": 8, "M1 1AA": 1, "DN55 1PT": 10}
    assert PostcodeImdDecile.objects.get(postcode="LS1 4AP").source == "IoD2019"
    assert PostcodeImdDecile.objects.get(postcode="EC1A 1BB").source == "IoD2015"


def test_import_upserts_in_batches(monkeypatch):
    monkeypatch.setattr(services, "IMD_BATCH_SIZE", 2)
    text = "postcode,imd_decile\n" + "".join(f"M{n} 1AA,{n}\n" for n in range(1, 6))
    assert imd_deciles_import(file=csv_file(text), by=None).rows == 5
    assert deciles() == {f"M{n} 1AA": n for n in range(1, 6)}


def test_the_database_refuses_a_decile_outside_1_to_10():
    with pytest.raises(IntegrityError), transaction.atomic():
        PostcodeImdDecile.objects.create(postcode="LS1 4AP", decile=11)


def test_lookup_normalises_and_answers_none_when_unknown():
    imd_deciles_import(file=csv_file(GOOD_CSV), by=None)
    assert imd_decile_for_postcode(" ls14ap ") == 3
    assert imd_decile_for_postcode("EC1A 1BB") == 8
    assert imd_decile_for_postcode("B33 8TH") is None  # a postcode, not in the table
    assert imd_decile_for_postcode("not a postcode") is None
    assert imd_decile_for_postcode("") is None


# --- admin --------------------------------------------------------------------------------

IMPORT_URL = "/admin/safeguarding/postcodeimddecile/import/"


def upload(text: str, name: str = "deciles.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_import_url_is_named():
    assert reverse("admin:safeguarding_postcodeimddecile_import") == IMPORT_URL


def test_administrator_imports_from_the_admin(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    changelist = client.get(reverse("admin:safeguarding_postcodeimddecile_changelist"))
    assert f'href="{IMPORT_URL}"' in changelist.content.decode()
    assert client.get(IMPORT_URL).status_code == 200

    response = client.post(IMPORT_URL, {"file": upload(GOOD_CSV), "source": "IoD2019"})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:safeguarding_postcodeimddecile_changelist")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Imported 3 postcodes: 3 new, 0 updated."
    ]
    assert deciles() == {"LS1 4AP": 3, "EC1A 1BB": 8, "M1 1AA": 1}
    assert AuditEvent.objects.get(message="IMD deciles imported").actor == admin


def test_admin_import_lists_the_row_errors_and_imports_nothing(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(
        IMPORT_URL, {"file": upload("postcode,imd_decile\nLS1 4AP,3\nM1 1AA,eleven\n")}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "<li>Row 3, column imd_decile: enter a whole number from 1 to 10</li>" in html
    assert "<title>Error: " in html
    assert not PostcodeImdDecile.objects.exists()


def test_admin_import_needs_a_csv_file(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    html = client.post(IMPORT_URL, {"source": "IoD2019"}).content.decode()
    assert "Choose a CSV file" in html
    html = client.post(IMPORT_URL, {"file": upload(GOOD_CSV, "deciles.xlsx")}).content.decode()
    assert "Choose a file ending in .csv" in html
    assert not PostcodeImdDecile.objects.exists()


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT, Role.LA_USER])
def test_only_administrators_can_import(client, make_user, role):
    client.force_login(make_user(role))
    # Like the rest of the admin: sent to the admin's sign-in, which refuses a signed-in user.
    response = client.get(IMPORT_URL, follow=True)
    assert response.status_code == 403
    assert "You cannot do that" in response.content.decode()
    assert client.post(IMPORT_URL, {"file": upload(GOOD_CSV)}, follow=True).status_code == 403
    assert not PostcodeImdDecile.objects.exists()


def test_admin_search_finds_a_postcode_however_it_is_typed(client, make_user):
    imd_deciles_import(file=csv_file(GOOD_CSV), by=None)
    client.force_login(make_user(Role.ADMINISTRATOR))
    url = reverse("admin:safeguarding_postcodeimddecile_changelist")
    html = client.get(url, {"q": "ls14ap"}).content.decode()
    assert "LS1 4AP" in html
    assert "EC1A 1BB" not in html
    html = client.get(url, {"q": "ec1"}).content.decode()
    assert "EC1A 1BB" in html
    assert "LS1 4AP" not in html


def test_lookup_rows_cannot_be_edited_in_the_admin(client, make_user):
    imd_deciles_import(file=csv_file(GOOD_CSV), by=None)
    row = PostcodeImdDecile.objects.get(postcode="LS1 4AP")
    client.force_login(make_user(Role.ADMINISTRATOR))
    change_url = reverse("admin:safeguarding_postcodeimddecile_change", args=[row.pk])
    client.post(change_url, {"postcode": "LS1 4AP", "decile": 9})
    row.refresh_from_db()
    assert row.decile == 3
    assert client.get(reverse("admin:safeguarding_postcodeimddecile_add")).status_code == 403


# --- command ------------------------------------------------------------------------------


def test_command_imports_a_file(tmp_path):
    path = tmp_path / "deciles.csv"
    path.write_text(GOOD_CSV)
    out = StringIO()

    call_command("import_imd_deciles", str(path), "--source", "IoD2019", stdout=out)

    assert "Imported 3 postcodes: 3 new, 0 updated." in out.getvalue()
    assert deciles() == {"LS1 4AP": 3, "EC1A 1BB": 8, "M1 1AA": 1}
    assert PostcodeImdDecile.objects.filter(source="IoD2019").count() == 3


def test_command_lists_the_problems_and_imports_nothing(tmp_path):
    path = tmp_path / "deciles.csv"
    path.write_text("postcode,imd_decile\nLS1 4AP,3\nXX1,4\n")
    err = StringIO()

    with pytest.raises(CommandError, match="Nothing imported: 1 problem"):
        call_command("import_imd_deciles", str(path), stderr=err)

    assert "Row 3, column postcode: enter a full UK postcode" in err.getvalue()
    assert not PostcodeImdDecile.objects.exists()


def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_imd_deciles", str(tmp_path / "missing.csv"))
