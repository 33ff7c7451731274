/* pdenn: one include for apps and tests. */
#pragma once
#include <pdenn/core.h>
#include <pdenn/op.h>
#include <pdenn/pde.h>
#include <pdenn/io.h>
#include <pdenn/nn.h>
#include <pdenn/train.h>
