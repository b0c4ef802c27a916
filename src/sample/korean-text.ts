import type { SeededRandom } from './seeded-random.ts';

// Vocabulary of a Korean law firm's assistant: enough variety that text does not compress to nothing.
const subjects = [
  '계약서',
  '임대차 계약',
  '손해배상 청구',
  '근로계약',
  '상속 재산',
  '이혼 소송',
  '특허 출원',
  '회사 정관',
  '개인정보 처리방침',
  '채권 양도',
  '소송 기록',
  '판결문',
  '합의서',
  '내용증명',
  '등기부등본',
];
const topics = [
  '제3조의 해석',
  '위약금 조항',
  '소멸시효',
  '관할 법원',
  '증거 자료',
  '배상 범위',
  '해지 통보',
  '보증금 반환',
  '연장 조건',
  '비밀유지 의무',
  '지연 이자',
  '책임 제한',
];
const verbs = ['검토해 주세요', '요약해 주시겠어요', '확인 부탁드립니다', '설명해 주세요', '비교해 주세요', '수정안을 작성해 주세요', '판례를 찾아 주세요'];
const answers = [
  '관련 조항을 검토한 결과, 다음과 같은 점을 유의하셔야 합니다.',
  '대법원 판례에 따르면 해당 조항은 제한적으로 해석됩니다.',
  '민법 제390조에 근거하여 채무불이행 책임을 물을 수 있습니다.',
  '다만 구체적인 사실관계에 따라 결론이 달라질 수 있으므로 담당 변호사와 상의하시기 바랍니다.',
  '계약 당사자 사이의 합의 내용이 우선 적용됩니다.',
  '소멸시효는 권리를 행사할 수 있는 때로부터 진행합니다.',
  '필요한 서류는 계약서 사본, 입금 내역, 그리고 통지서입니다.',
  '위약금이 과도한 경우 법원이 이를 감액할 수 있습니다.',
];
const clients = ['김민준', '이서연', '박지훈', '최수아', '정우진', '강하은', '조현우', '윤지민'];

/** A user's question, 20 to 120 characters. */
export function koreanQuestion(random: SeededRandom): string {
  return `${random.pick(clients)} 고객님 건입니다. ${random.pick(subjects)}의 ${random.pick(topics)}에 대해 ${random.pick(verbs)}.`;
}

/** An assistant's answer of two to six sentences. */
export function koreanAnswer(random: SeededRandom): string {
  const sentences = [`${random.pick(subjects)}의 ${random.pick(topics)}에 관한 질문입니다.`];
  const count = random.int(1, 5);
  for (let i = 0; i < count; i += 1) sentences.push(random.pick(answers));
  return sentences.join(' ');
}

/** A session title such as "임대차 계약 - 보증금 반환". */
export function koreanTitle(random: SeededRandom): string {
  return `${random.pick(subjects)} - ${random.pick(topics)}`;
}
