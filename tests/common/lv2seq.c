/* Aether tests: atom sequences between a test host and a plugin (see
   lv2seq.h). Nothing here allocates: hosts use it on their audio thread. */

#include "lv2seq.h"

#include <lv2/atom/util.h>

#include <stddef.h>

void
lv2seq_announce(void* const buf, const uint32_t capacity)
{
  LV2_Atom_Sequence* const seq = (LV2_Atom_Sequence*)buf;
  seq->atom.type               = 0;
  seq->atom.size               = capacity - (uint32_t)sizeof(LV2_Atom);
}

bool
lv2seq_begin(Lv2SeqWalk* const              walk,
             const LV2_Atom_Sequence* const seq,
             const uint32_t                 capacity)
{
  walk->it   = (const uint8_t*)(&seq->body + 1);
  walk->end  = walk->it;
  walk->last = 0;
  walk->bad  = seq->atom.size < sizeof(LV2_Atom_Sequence_Body) ||
              seq->atom.size > capacity - sizeof(LV2_Atom);
  if (!walk->bad) {
    walk->end = (const uint8_t*)&seq->body + seq->atom.size;
  }
  return !walk->bad;
}

const LV2_Atom_Event*
lv2seq_next(Lv2SeqWalk* const walk)
{
  if (walk->bad || walk->it >= walk->end) {
    return NULL;
  }
  const size_t                left = (size_t)(walk->end - walk->it);
  const LV2_Atom_Event* const ev   = (const LV2_Atom_Event*)walk->it;
  if (left < sizeof(LV2_Atom_Event) ||
      ev->body.size > left - sizeof(LV2_Atom_Event) ||
      ev->time.frames < walk->last) {
    walk->bad = true;
    return NULL;
  }
  walk->last = ev->time.frames;
  walk->it +=
    lv2_atom_pad_size((uint32_t)sizeof(LV2_Atom_Event) + ev->body.size);
  return ev;
}
