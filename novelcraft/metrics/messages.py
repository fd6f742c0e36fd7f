"""Every Korean sentence the metrics produce, in one place.

Guard reasons go back to the LLM in a retry prompt and warnings into the style-correction
prompt, so they are written as instructions a writer can act on. Keeping them here (rather
than scattered through the code) lets them be reviewed and reworded together.
"""

from __future__ import annotations

# --- ending hook -------------------------------------------------------------------------
HOOK_EMPTY = "본문이 비어 있어 엔딩 훅을 판단할 수 없습니다."
HOOK_PLAIN_QUOTE = (
    "마지막 문단이 평범한 대사({line})로 끝납니다. 대화 종결 대신 서사적 긴장으로 마무리하세요."
)
HOOK_NO_SIGNAL = (
    "마지막 문단({paragraph})에 훅 신호(?, !, …, 긴장 어구)가 없습니다. "
    "다음 화가 궁금해지는 장면에서 끊으세요."
)
HOOK_OK = "마지막 문단에 훅 신호 '{signal}'가 있습니다."

# --- guard (hard checks) -----------------------------------------------------------------
GUARD_TOO_SHORT = (
    "분량이 {actual:,}자(공백 제외)로 기준 {min:,}~{max:,}자보다 짧습니다. "
    "장면을 보강해 {missing:,}자 이상 늘리세요."
)
GUARD_TOO_LONG = (
    "분량이 {actual:,}자(공백 제외)로 기준 {min:,}~{max:,}자보다 깁니다. "
    "{excess:,}자 이상 줄이세요."
)
GUARD_SCENES = (
    "장면이 {actual}개입니다. 장면 구분 표시(***)로 나뉜 장면이 {min}개 이상 있어야 합니다."
)
GUARD_BANNED_ENDING = "{name}의 대사에 금지 어미 '{ending}'가 쓰였습니다: {line}"
GUARD_BANNED_ELEMENT = "금지 요소 '{element}'가 본문에 {count}번 나옵니다: …{context}…"

# --- style warnings (suggestions for the correction pass) ----------------------------------
SENTENCES_TOO_LONG = "문장이 깁니다(평균 {actual:.1f}자). 긴 문장을 둘로 나누세요."
SENTENCES_TOO_SHORT = "문장이 짧습니다(평균 {actual:.1f}자). 짧은 문장을 이어 호흡을 늘리세요."
DIALOGUE_TOO_LOW = (
    "대사 비중이 {actual:.0%}로 낮습니다. 서술로 전한 장면 일부를 인물의 대사로 바꾸세요."
)
DIALOGUE_TOO_HIGH = (
    "대사 비중이 {actual:.0%}로 높습니다. 행동과 배경 묘사를 보태 대사 사이를 채우세요."
)
EXPLANATION_TOO_HIGH = (
    "'~것이다', '~때문이다', '~수 있다'로 끝나는 설명 문장이 {actual:.0%}입니다. "
    "설명하지 말고 행동과 장면으로 보여 주세요."
)
REPETITION_TOO_HIGH = (
    "같은 문구가 되풀이됩니다(본문의 {actual:.0%}). 중복된 문단과 문장을 지우거나 새로 쓰세요."
)
STOCK_PHRASES = "서술에서 같은 어구가 세 번 이상 나옵니다({actual:.0f}개). 다른 표현으로 바꾸세요."
VOICE_OFF = (
    "{name}의 대사 중 지정 어미({endings})를 쓴 비율이 {actual:.0%}입니다. "
    "말투 어미를 더 자주 쓰세요."
)

# --- labels for people (check command, dashboard) -----------------------------------------
METRIC_LABELS = {
    "length": "분량(공백 제외)",
    "length_with_spaces": "분량(공백 포함)",
    "scene_count": "장면 수",
    "ending_hook": "엔딩 훅",
    "avg_sentence_length": "평균 문장 길이",
    "dialogue_ratio": "대사 비율",
    "explanation_density": "설명체 밀도",
    "repetition_rate": "반복률",
    "repeated_4grams": "반복 어구(4어절)",
    "voice": "말투",
}
