from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import scope
from qinglian.audit.services import audit_record
from qinglian.core.forms import add_service_errors
from qinglian.core.pagination import paginate, query_without_page
from qinglian.documents import selectors, services
from qinglian.documents.access import access_document
from qinglian.documents.forms import DocumentFilterForm, NoticeForm
from qinglian.people.models import Unit


@capability_required("documents.view")
def document_list(request):
    form = DocumentFilterForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    return render(
        request,
        "documents/document_list.html",
        {
            "title": "公文",
            "form": form,
            "page": paginate(request, selectors.document_list(viewer=request.user, q=q)),
            "query": query_without_page(request),
        },
    )


def document_download(request, doc_id: int):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    doc = access_document(request.user, doc_id)
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise Http404("公文文件不存在") from None
    audit_record(
        actor=request.user,
        action="document.download",
        obj=doc,
        unit_id=doc.issuing_unit_id,
        request=request,
        extra={"sha256": doc.sha256},
    )
    # FileResponse writes the Chinese file name as RFC 5987 filename*=utf-8''…
    return FileResponse(handle, as_attachment=True, filename=doc.download_name, content_type=doc.content_type)


@capability_required("documents.create")
def notice_create(request):
    units = Unit.objects.filter(scope(request.user, "documents.create").units_q(), is_active=True).order_by(
        "path"
    )
    form = NoticeForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            unit = data["issuing_unit"]
            try:
                docs = services.document_generate(
                    actor=request.user,
                    template="notice",
                    data={
                        "title": data["title"],
                        "paragraphs": data["body"],
                        "issuing_body": unit.name,
                        "on_date": timezone.localdate(),
                        "addressee": data["addressee"],
                        "red_header": data["red_header"],
                        "cc": data["cc"],
                    },
                    issuing_unit=unit,
                    formats=data["formats"],
                    number_prefix=data["number_prefix"],
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"prefix": "number_prefix"})
            else:
                number = docs[0].number
                messages.success(request, f"已生成通知“{docs[0].title}”{f'（{number}）' if number else ''}。")
                return redirect("documents:list")
        status = 400
    return render(request, "documents/notice_form.html", {"title": "拟制通知", "form": form}, status=status)
