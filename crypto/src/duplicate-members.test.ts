import test from 'ava';
import { duplicateMember, parseIJson } from './duplicate-members';

test('the first member name given twice in one object is found, with its path from the root', (t) => {
  const found: [string, (string | number)[]][] = [
    ['{"reason":"first","reason":"second"}', ['reason']],
    ['{"a":1,"b":{"c":[{"d":1},{"d":2,"e":3,"d":4}]}}', ['b', 'c', 1, 'd']],
    ['[1,[2,{"x":0,"x":0}]]', [1, 1, 'x']],
    // The same name in other spellings: JSON's escapes are decoded before comparing.
    ['{"a":1,"\\u0061":2}', ['a']],
    ['{"\\"q":1,"\\u0022q":2}', ['"q']],
    ['{"":1,"":2}', ['']],
    ['{"n":{},"n":[]}', ['n']],
  ];
  for (const [text, path] of found) t.deepEqual(duplicateMember(text), path, text);
});

test('distinct names pass, whatever the strings and nesting around them hold', (t) => {
  const clean = [
    '{}',
    '[]',
    '"a"',
    '{"a":"a","b":"a"}', // a value equal to a name is no name
    '{"a":"b","b":1}',
    '[{"a":1},{"a":2}]', // the same name in two objects
    '{"a":{"a":{"a":1}}}',
    '{"a\\\\":1,"a":2}', // "a\" and "a" differ; the escaped backslash does not escape the quote
    '{"a":"x\\"y","b":"\\\\","c":"{\\"a\\":1,\\"a\\":2}"}', // braces and names inside string values
    ' { "a" : [ 1 , 2 ] , "b" : { } } ',
    '{"leaves":' + JSON.stringify(Array.from({ length: 1000 }, (_, i) => i.toString(16).padStart(64, '0'))) + ',"description":"x"}',
  ];
  for (const text of clean) t.is(duplicateMember(text), undefined, text);
});

test('parseIJson parses as JSON.parse does, and refuses a name given twice, naming where', (t) => {
  t.deepEqual(parseIJson('{"a":[1,{"b":2}]}'), { a: [1, { b: 2 }] });
  t.throws(() => parseIJson('{"a":{"b":1,"b":2}}'), { instanceOf: SyntaxError, message: /a\.b appears twice in one object/ });
  t.throws(() => parseIJson('{"a":'), { instanceOf: SyntaxError });
});
