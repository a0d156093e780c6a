"""Function words of the 24 languages of the generic rules (data for `cleaner.core.article`).

A line of prose is made largely of these (articles, pronouns, prepositions, conjunctions, auxiliaries); a
menu entry, a headline or a name is not. Small lists, the most frequent words of each language, written
lowercase. Languages written without spaces (ja zh th lo km) list particles, counted as substrings.
Order as in rules/_labels.yaml: en de fr es pt it ru cs pl ja ko zh th id vi nl tr ar hi uk ro lo km ms.
"""
from __future__ import annotations

_SPACED = {
    "en": "the of and to a in is that for it was on with as he be by at are this his from or have an they "
          "which not but had has were their been we its you she her will would there who one all more can "
          "our into when than so if about what them also after said",
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden "
          "aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur "
          "oder aber vor zur bis mehr durch man sein wurde",
    "fr": "de la le et les des en un du une que est pour qui dans a par plus pas au sur ne se ce il sont "
          "avec son ou elle mais nous vous leur été aux ont cette ses ils comme être fait sa",
    "es": "de la que el en y a los del se las por un para con no una su al es lo como más pero sus le ya o "
          "este fue ha sí porque esta son entre cuando muy sin sobre también me hasta hay donde han",
    "pt": "de a o que e do da em um para é com não uma os no se na por mais as dos como mas foi ao ele das "
          "tem à seu sua ou ser quando muito há nos já está também só pelo pela até isso",
    "it": "di e il la che in un a per è non una del le i si con da al sono della più gli nel ha alla ma "
          "come lo anche dei essere questo se delle nella o ci loro",
    "ru": "и в не на что с по он я как это к из а то но за для от все так его она о же был бы уже у "
          "было только они если или при мы быть их до вы когда ее который также",
    "cs": "a se na v je že to s z do o k i jako ve ale by jsou za pro po od jeho které který která tak "
          "jsem není bylo byl být již jen nebo když také podle při před než",
    "pl": "i w nie na się z do że to jest o jak a po co ale od za przez dla już tak jego tym może być są "
          "było który która które też tylko oraz jednak przy aby ich",
    "ko": "이 그 저 것 수 등 및 더 또 또한 그리고 하지만 있다 있는 없다 했다 한다 하는 있습니다 합니다 "
          "위해 대한 통해 따라 그는 이번 같은 때문에 것으로 것이다 있어 있고 한",
    "id": "yang dan di dengan untuk dari ini itu dalam tidak akan pada juga ke karena ada oleh atau sebagai "
          "bisa telah dapat mereka lebih kami kita sudah saat harus adalah tersebut",
    "vi": "và của có là được trong cho các những một không với đã người này khi đến để từ cũng như thì "
          "về ra tại theo nhiều sẽ đang vào lại nhưng nên nói",
    "nl": "de het een en van in is dat op te zijn met voor niet aan er die als ook door maar bij om dan "
          "nog wordt uit heeft was of zo naar hij ze we wel kan meer",
    "tr": "ve bir bu da de için ile çok daha ne olarak gibi ama en o olan her kadar sonra ise değil var "
          "ki mi olduğu şey ya göre ancak diye",
    "ar": "في من على أن إلى عن مع هذا التي الذي ما لا هذه كان أو لم قد بين كل بعد ذلك وقد عند كما ثم "
          "هو هي إن حتى منذ",
    "hi": "के है में की और को से का एक यह कि पर भी नहीं हैं था लिए ने तो कर गया होता रहा थी वह इस जो "
          "कुछ साथ हो",
    "uk": "і в не на що з та у до як це за він а але від для по все так його вона о же був б вже або "
          "якщо при ми бути їх коли яка який також",
    "ro": "de și în a la cu pe nu o că din să se un pentru mai care este sunt fost ca dar sau au el ei "
          "acest această lui după iar fi",
    "ms": "yang dan di dengan untuk dari ini itu dalam tidak akan pada juga ke kerana ada oleh atau sebagai "
          "boleh telah dapat mereka lebih kami kita sudah ialah adalah tersebut",
}

# Particles and the most frequent function morphemes of languages written without spaces.
_UNSPACED = {
    "ja": "の は が を に で と も た です ます から まで って こと した する ない よう ている",
    "zh": "的 了 是 在 和 有 我 他 这 也 就 不 都 与 而 对 为 但 被 從 這 們 为了 因为 因為 所以 他们",
    "th": "ที่ และ ใน ของ การ เป็น ได้ มี ไม่ ว่า จะ ให้ กับ แต่ จาก นี้ ความ ก็ โดย ซึ่ง",
    "lo": "ແລະ ທີ່ ໃນ ຂອງ ເປັນ ໄດ້ ມີ ບໍ່ ວ່າ ຈະ ໃຫ້ ການ ກັບ ແຕ່ ຈາກ ນີ້ ຄວາມ ກໍ ໂດຍ ເຊິ່ງ",
    "km": "និង នៃ ក្នុង បាន ជា ដែល មាន នេះ ទៅ ពី ការ របស់ ថា នឹង មិន ដើម្បី ផង ក៏ លើ",
}

SPACED: dict[str, frozenset[str]] = {lang: frozenset(words.split()) for lang, words in _SPACED.items()}
UNSPACED: dict[str, tuple[str, ...]] = {lang: tuple(words.split()) for lang, words in _UNSPACED.items()}
LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "ru", "cs", "pl", "ja", "ko", "zh", "th", "id", "vi", "nl",
             "tr", "ar", "hi", "uk", "ro", "lo", "km", "ms")
