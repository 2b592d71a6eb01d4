"""What the page tells its reader, in Arabic: error titles and explanations, and notes about limits.

The library's messages are one English line each, precise and shared with the CLI; the page leads with
an Arabic sentence chosen by the kind of error (its class, or the HTTP status), and keeps the library's
line below it as the detail, so nothing it says is lost in translation.
"""

from arsearch.indexer.errors import (
    ArsearchError,
    IndexMissingError,
    IndexVersionError,
    NotFoundError,
    QueryError,
)
from arsearch.search.budget import QueryLimitError, QueryTimeoutError

#: By error class, most specific first: (HTTP status, title, what happened and what to do).
LIBRARY_ERRORS = (
    (QueryTimeoutError, 400, "استغرق البحث وقتًا طويلًا",
     "تجاوز البحث المهلة المسموح بها. ضيّقه: كلمات أقل أو أندر، أو عبارة بين علامتي تنصيص، أو بادئة أطول، أو مرشح فاعل أو موضوع."),
    (QueryLimitError, 400, "البحث يتجاوز أحد الحدود",
     "في البحث كلمات أو أقواس أو بادئات أكثر مما يُسمح به. اختصره أو ضيّقه ثم أعد المحاولة."),
    (QueryError, 400, "لم نفهم البحث",
     "راجع نص البحث: علامات التنصيص والأقواس المفتوحة، وأسماء الفاعلين والمواضيع في المرشحات، وأرقام الصفحات."),
    (NotFoundError, 404, "غير موجود", "هذا المقطع غير موجود في الفهرس. ابحث من جديد لتصل إلى المقاطع الموجودة."),
    (IndexMissingError, 503, "لا يوجد فهرس بعد", "لم يُبنَ الفهرس بعد، فلا يمكن البحث الآن."),
    (IndexVersionError, 503, "الفهرس بحاجة إلى إعادة بناء", "بُني الفهرس بإصدار آخر من البرنامج ولا يمكن قراءته."),
    (ArsearchError, 503, "لا يمكن قراءة الفهرس", "تعذّرت قراءة الفهرس."),
)
#: By HTTP status, for the errors the app or the server answer themselves: (title, explanation).
HTTP_ERRORS = {
    400: ("طلب غير صالح", "لا يمكن الإجابة عن هذا الطلب. افتح الصفحة من العنوان الذي طبعه الخادم عند تشغيله."),
    404: ("غير موجود", "لا توجد صفحة بهذا العنوان. ابدأ من صفحة البحث."),
    405: ("غير مسموح", "هذه الصفحة تجيب عن طلبات GET فقط."),
    414: ("الرابط طويل جدًا", "عنوان الصفحة أطول مما يُقبل. اختصر نص البحث."),
    500: ("خطأ داخلي", "حدث خطأ في الخادم؛ سجلّه يذكر السبب."),
}
#: Under a search whose prefix or fuzzy words matched more index words than were searched.
EXPANSIONS_CUT = "بعض كلمات البحث ذات البادئة (*) أو التقريبية (~) تطابق صيغًا كثيرة، فبُحث عن أكثرها شيوعًا فقط. أضف حروفًا لتضييقها."


def library_error(error: ArsearchError) -> tuple[int, str, str]:
    """(status, title, explanation) for a library error."""
    for kind, status, title, text in LIBRARY_ERRORS:
        if isinstance(error, kind):
            return status, title, text
    raise TypeError(f"not a library error: {error!r}")  # ArsearchError is the last row


def http_error(status: int) -> tuple[str, str]:
    """(title, explanation) for an HTTP status."""
    return HTTP_ERRORS.get(status, HTTP_ERRORS[500 if status >= 500 else 400])
